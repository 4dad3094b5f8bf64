import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { drawTickets, seedHash } from '../../firmware/src/loyalty/engagement/lottery.js';
import { parseLoyaltyRules } from '../../firmware/src/loyalty/rules/parse.js';
import { LOYALTY_MODULE, type LoyaltyState } from '../../firmware/src/loyalty/module/state.js';
import type { Directive } from '../protocol/directives.js';
import type { PullResponse } from '../protocol/messages.js';
import { DirectiveExecutor } from './directive-executor.js';

/** Head-office lottery directives carried out as the kiosk's own loyalty ops, on the real ledger. */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const logger = createLogger({ level: 'silent' });
const till = { kind: 'pos' as const, id: 'till-1' };
const page = (directives: Directive[]): PullResponse => ({ storeId: 's1', members: [], cards: [], blockedCards: [], documents: [], directives, nextRevision: 0, more: false, serverTimeMs: 0 });
const SEED = 'ab'.repeat(32);
const OTHER_SEED = 'cd'.repeat(32);

async function kioskLedger(clock: ManualClock): Promise<Ledger> {
  const dir = mkdtempSync(join(tmpdir(), 'bashgah-executor-lottery-'));
  dirs.push(dir);
  const ledger = await Ledger.open({ dataDir: dir, modules: kioskLedgerModules(), logger, clock });
  await ledger.commit({ id: 'seed', actor: till, ops: [
    // The kiosk's default rules (ticket cost 50 points), as the loyalty service journals them at start.
    { op: 'loyalty.configure', rules: parseLoyaltyRules({}) },
    { op: 'member.create', memberId: 'ma', name: 'آرش', phone: '09121000001', smsConsent: true, storeId: 's1' },
    { op: 'transfer', debit: 'club:earned', credit: 'member:ma:points', amount: 1000, unit: 'points', reason: 'earn' },
  ] });
  return ledger;
}

describe('DirectiveExecutor: lottery rounds', () => {
  it('opens the round with the published hash, and the draw with the seed picks the winners, each once', async () => {
    const clock = new ManualClock();
    const ledger = await kioskLedger(clock);
    const closesAtMs = clock.atMs + 60_000;
    const open: Directive = { id: 'd-open', kind: 'lottery.open', lottery: { lotteryId: 'r1', title: 'یلدا', seedHash: seedHash(SEED), closesAtMs, prizes: [{ title: 'سکه', points: 100 }] }, requestedBy: 'maryam', createdAtMs: 1 };
    const executor = new DirectiveExecutor(ledger, logger);
    expect(await executor.apply(page([open]))).toMatchObject({ applied: 1 });
    expect(await executor.apply(page([open]))).toMatchObject({ applied: 0, skipped: 1 });
    await ledger.commit({ id: 'buy-1', actor: till, ops: [{ op: 'lottery.buy', lotteryId: 'r1', memberId: 'ma', tickets: 2 }] });

    clock.advance(120_000);
    const wrong: Directive = { id: 'd-wrong', kind: 'lottery.draw', lottery: { lotteryId: 'r1', seed: OTHER_SEED }, requestedBy: 'maryam', createdAtMs: 2 };
    const draw: Directive = { id: 'd-draw', kind: 'lottery.draw', lottery: { lotteryId: 'r1', seed: SEED }, requestedBy: 'maryam', createdAtMs: 3 };
    expect(await executor.apply(page([wrong, draw]))).toMatchObject({ applied: 1, refused: 1 });
    const lottery = ledger.slice<LoyaltyState>(LOYALTY_MODULE).lotteries.get('r1')!;
    expect(lottery.winners).toEqual(drawTickets(SEED, 'r1', 2, 1).map((ticket, prizeIndex) => ({ prizeIndex, ticket, memberId: 'ma' })));
    const records = (await ledger.readRecords(0, 100)).map((entry) => entry.record);
    expect(records.find((r) => r.id === 'hq:d-wrong')!.ops[0]).toMatchObject({ op: 'directive.refuse', code: 'SEED_MISMATCH' });
    expect(records.find((r) => r.id === 'hq:d-draw')!.ops[0]).toEqual({ op: 'lottery.draw', lotteryId: 'r1', seed: SEED });
    await ledger.close();
  });
});
