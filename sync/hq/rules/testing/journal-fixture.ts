import type { Queryable } from '../../db.js';

/**
 * Writes kiosk activity straight into the head office's tables (devices, members, journal) as
 * ingest would have stored it, for tests of what reads the journal back (the rules preview).
 * Records carry `purchase.record` / `purchase.void` ops and, optionally, the kiosk's results.
 */
export interface FixturePurchase {
  deviceId: string;
  receiptId: string;
  memberId: string;
  amountRial: number;
  atMs: number;
  categories?: Array<{ category: string; amountRial: number }>;
  /** The kiosk's result `pointsEarned`, when the record should carry results. */
  pointsEarned?: number;
}

export class JournalFixture {
  private readonly seqByDevice = new Map<string, number>();

  constructor(private readonly db: Queryable) {}

  async device(deviceId: string, storeId: string, atMs: number): Promise<void> {
    await this.db.query('INSERT INTO devices (id, store_id, public_key, created_at_ms) VALUES ($1, $2, $3, $4)', [deviceId, storeId, 'test-key', atMs]);
  }

  async member(memberId: string, storeId: string, createdAtMs: number): Promise<void> {
    const index = (await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM members')).rows[0]!.n;
    await this.db.query(
      `INSERT INTO members (id, store_id, name, phone, sms_consent, created_at_ms, updated_at_ms, revision) VALUES ($1, $2, 'عضو', $3, false, $4, $4, nextval('change_revision'))`,
      [memberId, storeId, `09${String(index).padStart(9, '0')}`, createdAtMs],
    );
  }

  async record(deviceId: string, atMs: number, ops: Array<Record<string, unknown>>, results?: unknown[]): Promise<void> {
    const seq = (this.seqByDevice.get(deviceId) ?? 0) + 1;
    this.seqByDevice.set(deviceId, seq);
    const record = { id: `${deviceId}-${seq}`, actor: { kind: 'pos', id: 'till' }, at: { atMs, clockSynced: true }, ops, ...(results && { results }) };
    await this.db.query(
      `INSERT INTO journal (device_id, seq, hash, prev_hash, commit_id, actor, at_ms, clock_synced, received_at_ms, via, record)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, true, $7, 'test', $8::jsonb)`,
      [deviceId, seq, `h${seq}`, `h${seq - 1}`, record.id, JSON.stringify(record.actor), atMs, JSON.stringify(record)],
    );
  }

  async purchase(purchase: FixturePurchase): Promise<void> {
    const op: Record<string, unknown> = { op: 'purchase.record', receiptId: purchase.receiptId, memberId: purchase.memberId, amountRial: purchase.amountRial };
    if (purchase.categories) op.categories = purchase.categories;
    await this.record(purchase.deviceId, purchase.atMs, [op], purchase.pointsEarned === undefined ? undefined : [{ pointsEarned: purchase.pointsEarned }]);
  }

  async voidPurchase(deviceId: string, receiptId: string, atMs: number): Promise<void> {
    await this.record(deviceId, atMs, [{ op: 'purchase.void', receiptId }]);
  }
}
