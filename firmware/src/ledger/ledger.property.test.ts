import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { ManualClock } from './clock.js';
import { createLogger } from '../log/logger.js';
import { clubAccount, memberAccount, type CommitRequest, type CommitResult } from './types.js';
import { balances } from './core-state.js';
import { CrashFileSystem } from '../../../tests/support/crash-file-system.js';
import { expectBooksBalance } from '../../../tests/ledger/invariants.js';

const quiet = createLogger({ level: 'silent' });
const actor = { kind: 'staff' as const, id: 'tester' };

type Command =
  | { kind: 'enrol' }
  | { kind: 'earn'; member: number; amount: number }
  | { kind: 'redeem'; member: number; amount: number }
  | { kind: 'move'; from: number; to: number; amount: number }
  | { kind: 'retry'; which: number }
  | { kind: 'reuse'; which: number; amount: number }
  | { kind: 'snapshot' };

const amount = fc.integer({ min: 1, max: 500 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ kind: 'enrol' }),
  fc.record({ kind: fc.constant('earn' as const), member: fc.nat(9), amount }),
  fc.record({ kind: fc.constant('redeem' as const), member: fc.nat(9), amount }),
  fc.record({ kind: fc.constant('move' as const), from: fc.nat(9), to: fc.nat(9), amount }),
  fc.record({ kind: fc.constant('retry' as const), which: fc.nat(200) }),
  fc.record({ kind: fc.constant('reuse' as const), which: fc.nat(200), amount }),
  fc.constant<Command>({ kind: 'snapshot' }),
);

/** The model: balances as plain numbers, refusing what the ledger must refuse. */
class Model {
  members = 0;
  balances = new Map<string, number>();
  requests: Array<{ request: CommitRequest; result: CommitResult }> = [];

  move(debit: string, credit: string, value: number): boolean {
    const debitBalance = (this.balances.get(debit) ?? 0) - value;
    if (debitBalance < 0 && !debit.startsWith('club:')) return false;
    this.balances.set(debit, debitBalance);
    this.balances.set(credit, (this.balances.get(credit) ?? 0) + value);
    return true;
  }
}

function transferOp(debit: string, credit: string, value: number, reason: string) {
  return { op: 'transfer', debit, credit, amount: value, unit: 'points', reason };
}

describe('ledger invariants (model-based)', () => {
  it('matches a simple model, keeps ids idempotent, never goes negative, and replays to the same state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 60 }), async (commands) => {
        const fs = new CrashFileSystem();
        const open = () => Ledger.open({ dataDir: '/l', fileSystem: fs, logger: quiet, clock: new ManualClock(), snapshotEveryRecords: 1_000 });
        const ledger = await open();
        const model = new Model();
        let n = 0;
        for (const step of commands) {
          const id = `c${n++}`;
          if (step.kind === 'snapshot') {
            await ledger.snapshot();
            continue;
          }
          if (step.kind === 'retry' || step.kind === 'reuse') {
            const earlier = model.requests[step.which % Math.max(1, model.requests.length)];
            if (!earlier) continue;
            if (step.kind === 'retry') {
              const again = await ledger.commit(earlier.request);
              expect(again).toEqual({ ...earlier.result, replayed: true });
            } else {
              const different = { ...earlier.request, ops: [transferOp(clubAccount('earned'), clubAccount('bonus'), step.amount + 1000, 'adjust')] };
              await expect(ledger.commit(different)).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
            }
            continue;
          }
          let request: CommitRequest;
          let accepted: boolean;
          if (step.kind === 'enrol') {
            const memberId = `m${model.members}`;
            request = { id, actor, ops: [{ op: 'member.create', memberId, name: 'Mina', phone: `0935${String(model.members).padStart(7, '0')}`, smsConsent: false, storeId: 's' }] };
            accepted = true;
            model.members++;
          } else if (model.members === 0) {
            continue;
          } else if (step.kind === 'earn') {
            const account = memberAccount(`m${step.member % model.members}`);
            request = { id, actor, ops: [transferOp(clubAccount('earned'), account, step.amount, 'earn')] };
            accepted = model.move(clubAccount('earned'), account, step.amount);
          } else if (step.kind === 'redeem') {
            const account = memberAccount(`m${step.member % model.members}`);
            request = { id, actor, ops: [transferOp(account, clubAccount('redeemed'), step.amount, 'redeem')] };
            accepted = model.move(account, clubAccount('redeemed'), step.amount);
          } else {
            const from = memberAccount(`m${step.from % model.members}`);
            const to = memberAccount(`m${step.to % model.members}`);
            if (from === to) continue;
            request = { id, actor, ops: [transferOp(from, to, step.amount, 'transfer')] };
            accepted = model.move(from, to, step.amount);
          }
          const outcome = await ledger.commit(request).then(
            (result) => ({ ok: true as const, result }),
            (error: { code: string }) => ({ ok: false as const, error }),
          );
          expect(outcome.ok).toBe(accepted);
          if (outcome.ok) model.requests.push({ request, result: outcome.result });
          else expect(outcome.error.code).toBe('INSUFFICIENT_BALANCE');
        }
        for (const [account, balance] of model.balances) expect(ledger.balance(account)).toBe(balance);
        expectBooksBalance(ledger);
        const live = balances(ledger.core);
        await ledger.close();
        const replayed = await open();
        expect(balances(replayed.core)).toEqual(live);
        expect(replayed.lastSeq).toBe(model.requests.length);
        await replayed.close();
      }),
      { numRuns: 150 },
    );
  });
});
