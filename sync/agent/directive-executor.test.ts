import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { HQ_MODULE, type HqState } from '../../firmware/src/kiosk/directives/module.js';
import type { Directive } from '../protocol/directives.js';
import type { PullResponse } from '../protocol/messages.js';
import { DirectiveExecutor, chainBlockCommitId } from './directive-executor.js';

/** The executor on the real kiosk ledger (journal on disk, the kiosk's modules). */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const logger = createLogger({ level: 'silent' });
const till = { kind: 'pos' as const, id: 'till-1' };

async function openLedger(dir?: string): Promise<{ ledger: Ledger; dir: string }> {
  const at = dir ?? mkdtempSync(join(tmpdir(), 'bashgah-executor-'));
  if (!dir) dirs.push(at);
  return { ledger: await Ledger.open({ dataDir: at, modules: kioskLedgerModules(), logger }), dir: at };
}

async function seed(ledger: Ledger): Promise<void> {
  await ledger.commit({ id: 'seed', actor: till, ops: [
    { op: 'member.create', memberId: 'ma', name: 'آرش', phone: '09121000001', smsConsent: true, storeId: 's1' },
    { op: 'member.create', memberId: 'mb', name: 'آرش ب', phone: '09121000002', smsConsent: true, storeId: 's1' },
    { op: 'card.link', cardId: 'nfc:0A01', memberId: 'ma', kind: 'member' },
    { op: 'card.link', cardId: 'nfc:0B01', memberId: 'mb', kind: 'member' },
    { op: 'card.link', cardId: 'nfc:0B02', memberId: 'mb', kind: 'member' },
    { op: 'transfer', debit: 'club:earned', credit: 'member:ma:points', amount: 100, unit: 'points', reason: 'earn' },
    { op: 'transfer', debit: 'club:earned', credit: 'member:mb:points', amount: 60, unit: 'points', reason: 'earn' },
    { op: 'transfer', debit: 'club:credit-issued', credit: 'member:mb:credit', amount: 5000, unit: 'rial', reason: 'exchange' },
  ] });
}

const page = (part: Partial<PullResponse>): PullResponse => ({ storeId: 's1', members: [], cards: [], blockedCards: [], documents: [], directives: [], nextRevision: 0, more: false, serverTimeMs: 0, ...part });
const adjust = (id: string, memberId: string, points: number): Directive => ({ id, kind: 'adjust', memberId, points, reason: 'goodwill', requestedBy: 'manager-1', createdAtMs: 1 });

describe('DirectiveExecutor', () => {
  it('applies an adjustment once, whatever is pulled again, also after reopening the ledger', async () => {
    const { ledger, dir } = await openLedger();
    await seed(ledger);
    const pulled = page({ directives: [adjust('d1', 'ma', 25), adjust('d2', 'ma', -10)] });
    expect(await new DirectiveExecutor(ledger, logger).apply(pulled)).toMatchObject({ applied: 2, refused: 0, skipped: 0 });
    expect(await new DirectiveExecutor(ledger, logger).apply(pulled)).toMatchObject({ applied: 0, skipped: 2 });
    expect(ledger.balance('member:ma:points')).toBe(115);
    const record = (await ledger.readRecords(0, 100)).find((entry) => entry.record.id === 'hq:d1')!.record;
    expect(record.actor).toEqual({ kind: 'sync', id: 'hq:manager-1' });
    expect(record.ops[0]).toMatchObject({ op: 'transfer', debit: 'club:adjusted', credit: 'member:ma:points', amount: 25, reason: 'adjust', memo: 'goodwill', ref: { directive: 'd1' } });
    await ledger.close();

    const reopened = (await openLedger(dir)).ledger;
    expect(await new DirectiveExecutor(reopened, logger).apply(pulled)).toMatchObject({ applied: 0, skipped: 2 });
    expect(reopened.balance('member:ma:points')).toBe(115);
    await reopened.close();
  });

  it('journals a refusal under the directive id with the ledger error code', async () => {
    const { ledger } = await openLedger();
    await seed(ledger);
    const pulled = page({ directives: [adjust('d3', 'ma', -1000), adjust('d4', 'nobody', 5)] });
    expect(await new DirectiveExecutor(ledger, logger).apply(pulled)).toMatchObject({ applied: 0, refused: 2 });
    const records = (await ledger.readRecords(0, 100)).filter((entry) => entry.record.id.startsWith('hq:'));
    expect(records.map((entry) => [entry.record.id, entry.record.ops[0]!.op, entry.record.ops[0]!.code])).toEqual([
      ['hq:d3', 'directive.refuse', 'INSUFFICIENT_BALANCE'],
      ['hq:d4', 'directive.refuse', 'UNKNOWN_MEMBER'],
    ]);
    expect(ledger.balance('member:ma:points')).toBe(100);
    expect(await new DirectiveExecutor(ledger, logger).apply(pulled)).toMatchObject({ refused: 0, skipped: 2 });
    // A refusal cannot be journaled under another id.
    await expect(ledger.commit({ id: 'other', actor: till, ops: [{ op: 'directive.refuse', directiveId: 'd9', code: 'X', message: '' }] })).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
    await ledger.close();
  });

  it('merges: cards, points and credit move to the survivor; pending stays; the duplicate is marked', async () => {
    const { ledger, dir } = await openLedger();
    await seed(ledger);
    const merge: Directive = { id: 'd5', kind: 'merge', memberId: 'ma', mergedMemberId: 'mb', requestedBy: 'manager-1', createdAtMs: 1 };
    expect(await new DirectiveExecutor(ledger, logger).apply(page({ directives: [merge] }))).toMatchObject({ applied: 1 });
    expect(ledger.balance('member:ma:points')).toBe(160);
    expect(ledger.balance('member:mb:points')).toBe(0);
    expect(ledger.balance('member:ma:credit')).toBe(5000);
    expect(ledger.core.cardsByMember.get('ma')).toEqual(['nfc:0A01', 'nfc:0B01', 'nfc:0B02']);
    expect(ledger.core.cards.get('nfc:0B02')?.memberId).toBe('ma');
    const record = (await ledger.readRecords(0, 100)).find((entry) => entry.record.id === 'hq:d5')!.record;
    expect(record.postings?.map((p) => [p.debit, p.credit, p.amount, p.unit])).toEqual([
      ['member:mb:points', 'member:ma:points', 60, 'points'],
      ['member:mb:credit', 'member:ma:credit', 5000, 'rial'],
    ]);
    // Again, the other way round: the merged member is gone.
    const back: Directive = { ...merge, id: 'd6', memberId: 'mb', mergedMemberId: 'ma' };
    expect(await new DirectiveExecutor(ledger, logger).apply(page({ directives: [back] }))).toMatchObject({ refused: 1 });
    await ledger.close();
    // The merge survives a restart (snapshot or replay).
    const reopened = (await openLedger(dir)).ledger;
    expect(reopened.slice<HqState>(HQ_MODULE).mergedInto.get('mb')).toBe('ma');
    expect(reopened.core.cards.get('nfc:0B01')?.memberId).toBe('ma');
    await reopened.close();
  });

  it('blocks a chain-blocked card it holds, once; cards it does not hold are left to the pulled list', async () => {
    const { ledger } = await openLedger();
    await seed(ledger);
    const pulled = page({ blockedCards: ['nfc:0A01', 'nfc:FFFF'] });
    expect(await new DirectiveExecutor(ledger, logger).apply(pulled)).toMatchObject({ blocked: 1 });
    expect(ledger.core.cards.get('nfc:0A01')).toMatchObject({ status: 'blocked', blockReason: 'blocked by the head office' });
    const seq = ledger.lastSeq;
    expect(await new DirectiveExecutor(ledger, logger).apply(pulled)).toMatchObject({ blocked: 0 });
    expect(ledger.lastSeq).toBe(seq);
    expect(ledger.hasCommitted(chainBlockCommitId('nfc:0A01'))).toBe(true);
    expect(chainBlockCommitId('nfc:0A01')).not.toContain('0A01');
    await ledger.close();
  });

  it('throws when the books cannot write, so the pull is retried', async () => {
    const { ledger } = await openLedger();
    await seed(ledger);
    await ledger.close();
    await expect(new DirectiveExecutor(ledger, logger).apply(page({ directives: [adjust('d7', 'ma', 1)] }))).rejects.toMatchObject({ code: 'LEDGER_CLOSED' });
  });
});
