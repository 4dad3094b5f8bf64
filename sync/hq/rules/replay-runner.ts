import { Worker } from 'node:worker_threads';
import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { HqError } from '../errors.js';
import type { HistoricPurchase, MemberFacts, PurchaseHistory } from './history.js';
import type { ReplayedReceipt } from './replay.js';

/**
 * Runs a replay on a worker thread. A preview replays up to 100,000 purchases through the
 * ledger engine, twice: seconds of CPU that must not stall the event loop that serves the
 * kiosks' syncs and the other staff. The two replays of a preview run side by side.
 */
export interface ReplayJob {
  rules: LoyaltyRules;
  purchases: HistoricPurchase[];
  members: Array<[string, MemberFacts]>;
}

export const REPLAY_TIMEOUT_MS = 120_000;
const WORKER_HEAP_MB = 1024;

/** The compiled worker beside this module; under vitest (TypeScript sources) the one in dist/. */
function workerUrl(): URL {
  const own = new URL('./replay-worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL(own.href.replace('/sync/hq/rules/', '/dist/sync/hq/rules/')) : own;
}

export function replayInWorker(rules: LoyaltyRules, history: PurchaseHistory): Promise<ReplayedReceipt[]> {
  const job: ReplayJob = { rules, purchases: history.purchases, members: [...history.members] };
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    let settled = false;
    const finish = (error: Error | undefined, result?: ReplayedReceipt[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (error) reject(error);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new HqError('BAD_REQUEST', `the preview took longer than ${REPLAY_TIMEOUT_MS / 1000} s: preview fewer days`)), REPLAY_TIMEOUT_MS);
    worker.once('message', (result: ReplayedReceipt[]) => finish(undefined, result));
    worker.once('error', (error) => finish(error));
    worker.once('exit', (code) => finish(new Error(`the replay thread stopped (exit ${code}) before it answered`)));
  });
}
