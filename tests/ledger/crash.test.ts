import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { memberAccount } from '../../firmware/src/ledger/types.js';
import { seededRandom } from '../support/crash-file-system.js';
import { tempDir } from '../support/temp-dir.js';
import { expectBooksBalance } from './invariants.js';

/**
 * Crash campaign on the real file system: a child process commits transfers and prints each
 * acknowledgement; it is killed with SIGKILL at a random moment, and the ledger it leaves
 * must hold every acknowledged commit exactly once. BASHGAH_LONG_CAMPAIGN=1 kills 2,000 times.
 */
const KILLS = process.env.BASHGAH_LONG_CAMPAIGN === '1' ? 2_000 : 200;
const child = fileURLToPath(new URL('../../dist/tests/support/ledger-crash-child.js', import.meta.url));
const quiet = createLogger({ level: 'silent' });

interface RunOutcome {
  acked: string[];
  stderr: string;
}

/** Runs the child until `killAfterMs` past its first acknowledgement, then SIGKILLs it. */
function runAndKill(dataDir: string, retryFrom: number, killAfterMs: number): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, dataDir, String(retryFrom)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    process_.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!timer && stdout.includes('ready\n')) timer = setTimeout(() => process_.kill('SIGKILL'), killAfterMs);
    });
    process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const watchdog = setTimeout(() => process_.kill('SIGKILL'), 20_000);
    process_.on('error', reject);
    process_.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (signal !== 'SIGKILL') return reject(new Error(`child exited by itself (code ${code}): ${stderr}`));
      // Only complete lines count: a line cut by the kill was never fully reported.
      const lines = stdout.split('\n').slice(0, -1).filter((line) => line.startsWith('k'));
      resolve({ acked: lines, stderr });
    });
  });
}

describe('SIGKILL crash campaign', () => {
  const dir = tempDir('bashgah-crash-');
  afterAll(() => dir.remove());

  it(`keeps every acknowledged commit exactly once across ${KILLS} kills`, async () => {
    const random = seededRandom(20261123);
    const everAcked = new Set<string>();
    let highest = -1;
    let totalAcked = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const retryFrom = Math.max(0, highest + 1 - 16);
      const { acked } = await runAndKill(dir.path, retryFrom, Math.floor(random() * 60));
      for (const id of acked) {
        everAcked.add(id);
        highest = Math.max(highest, Number(id.slice(1)));
      }
      totalAcked += acked.length;
      const ledger = await Ledger.open({ dataDir: dir.path, snapshotEveryRecords: 400, logger: quiet });
      try {
        for (const id of everAcked) expect(ledger.hasCommitted(id), `kill ${kill}: acknowledged ${id} lost`).toBe(true);
        let committed = 0;
        for (let index = 0; index <= highest + 64; index++) if (ledger.hasCommitted(`k${index}`)) committed++;
        // Each commit adds exactly one point: the balance counts commits, so a double is seen.
        expect(ledger.balance(memberAccount('m1')), `kill ${kill}: a commit counted twice or lost`).toBe(committed);
        expectBooksBalance(ledger);
      } finally {
        await ledger.close();
      }
    }
    expect(totalAcked).toBeGreaterThan(KILLS); // the kills really landed while commits flowed
  }, 1_800_000);
});
