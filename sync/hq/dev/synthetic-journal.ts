import { encodeRecord } from '../../../firmware/src/ledger/journal/record-codec.js';
import { encodeFrame, ZERO_HASH } from '../../../firmware/src/ledger/journal/frame.js';
import type { CommitRecord, Op } from '../../../firmware/src/ledger/types.js';
import type { JournalEntryLike, SyncableLedger } from '../../agent/ledger-port.js';

/**
 * A kiosk journal made of generated store activity (enrolments, earnings, redemptions),
 * framed and hashed exactly like the ledger's, for benchmarks: it satisfies the agent's
 * ledger port without the cost of a real ledger on disk.
 */
export class SyntheticJournal implements SyncableLedger {
  private readonly entries: JournalEntryLike[] = [];
  private readonly balances = new Map<string, number>();
  private members = 0;
  private clockMs = Date.UTC(2026, 0, 1);

  constructor(private readonly prefix: string, private readonly storeId: string) {}

  get lastSeq(): number {
    return this.entries.length;
  }

  /** Appends `count` records; every fifth enrols a member, the rest earn or redeem. */
  generate(count: number): void {
    for (let index = 0; index < count; index++) {
      const seq = this.entries.length + 1;
      let ops: Op[];
      if (this.members === 0 || seq % 5 === 1) {
        const memberId = `${this.prefix}-m${this.members++}`;
        ops = [
          { op: 'member.create', memberId, name: 'عضو', phone: `09${String(seq).padStart(9, '0')}`, smsConsent: true, storeId: this.storeId },
          { op: 'card.link', cardId: `nfc:${this.prefix}-${seq}`, memberId, kind: 'member' },
        ];
      } else {
        const memberId = `${this.prefix}-m${seq % this.members}`;
        const account = `member:${memberId}:points`;
        const balance = this.balances.get(account) ?? 0;
        const redeem = seq % 3 === 0 && balance > 0;
        const amount = redeem ? Math.max(1, Math.floor(balance / 2)) : 10 + (seq % 90);
        ops = [redeem
          ? { op: 'transfer', debit: account, credit: 'club:redeemed', amount, unit: 'points', reason: 'redeem' }
          : { op: 'transfer', debit: 'club:earned', credit: account, amount, unit: 'points', reason: 'earn' }];
        this.balances.set(account, balance + (redeem ? -amount : amount));
      }
      this.clockMs += 1000;
      const record: CommitRecord = { id: `${this.prefix}-${seq}`, actor: { kind: 'pos', id: 'till-1' }, at: { atMs: this.clockMs, clockSynced: true }, ops };
      const prevHash = this.entries[this.entries.length - 1]?.hash ?? ZERO_HASH.toString('hex');
      const hash = encodeFrame(seq, Buffer.from(prevHash, 'hex'), encodeRecord(record as CommitRecord)).hash.toString('hex');
      this.entries.push({ seq, hash, prevHash, record });
    }
  }

  async readRecords(afterSeq: number, limit: number): Promise<JournalEntryLike[]> {
    return this.entries.slice(afterSeq, afterSeq + limit);
  }

  retainFrom(): void {}

  onCommit(): () => void {
    return () => undefined;
  }
}
