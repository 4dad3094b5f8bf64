import type { Queryable } from '../db.js';
import type { AuditEntry, StaffRole } from './types.js';

/** The audit trail: one row per change made from the dashboard or the `hq user` commands. */
export const CLI_ACTOR = '(command line)';
const DETAILS_BYTES_MAX = 8 * 1024;

export function createAudit(nowMs: () => number) {
  return async function audit(tx: Queryable, entry: AuditEntry): Promise<void> {
    const details = JSON.stringify(entry.details ?? {});
    if (details.length > DETAILS_BYTES_MAX) throw new Error(`audit details over ${DETAILS_BYTES_MAX} bytes (${entry.action})`);
    await tx.query(
      'INSERT INTO dashboard_audit (at_ms, user_id, username, role, action, subject, details) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)',
      [nowMs(), entry.user?.id ?? null, entry.user?.username ?? CLI_ACTOR, entry.user?.role ?? null, entry.action, entry.subject, details],
    );
  };
}

export interface AuditRow {
  id: number;
  atMs: number;
  userId: number | null;
  username: string;
  role: StaffRole | null;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  /** Rows strictly older than this id (the previous page's last id). */
  beforeId?: number;
  limit: number;
  action?: string;
  subject?: string;
  username?: string;
  /** Rows about this member: its own subject, or details naming it (a block of one of its cards). */
  memberId?: string;
}

/** Newest first, paged by id. */
export async function listAudit(db: Queryable, query: AuditQuery): Promise<{ entries: AuditRow[]; nextBeforeId: number | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.beforeId !== undefined) add('id < ?', query.beforeId);
  if (query.action) add('action = ?', query.action);
  if (query.subject) add('subject = ?', query.subject);
  if (query.username) add('username = ?', query.username);
  if (query.memberId) {
    params.push(query.memberId);
    where.push(`(subject = 'member:' || $${params.length} OR details->>'memberId' = $${params.length} OR details->>'mergedMemberId' = $${params.length})`);
  }
  params.push(query.limit + 1);
  const rows = await db.query<{ id: number; at_ms: number; user_id: number | null; username: string; role: StaffRole | null; action: string; subject: string; details: Record<string, unknown> }>(
    `SELECT * FROM dashboard_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.rows.slice(0, query.limit).map((row) => ({
    id: Number(row.id),
    atMs: Number(row.at_ms),
    userId: row.user_id === null ? null : Number(row.user_id),
    username: row.username,
    role: row.role,
    action: row.action,
    subject: row.subject,
    details: row.details,
  }));
  return { entries: page, nextBeforeId: rows.rows.length > query.limit ? page[page.length - 1]!.id : null };
}
