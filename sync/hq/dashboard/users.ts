import type { Db, Queryable } from '../db.js';
import { HqError } from '../errors.js';
import { createAudit } from './audit.js';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { deleteSessionsOf } from './sessions.js';
import { STAFF_ROLES, type StaffRole, type StaffUser } from './types.js';

/** Staff users of the dashboard, and the sign-in check with its lock-out. */
export const LOCKOUT_ATTEMPTS = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
export const STORE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DISPLAY_NAME_LENGTH_MAX = 100;

export interface StaffUserRecord extends StaffUser {
  disabled: boolean;
  lockedUntilMs: number | null;
  createdAtMs: number;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: StaffRole;
  store_ids: string[] | null;
  password_hash: string;
  disabled_at_ms: number | null;
  failed_attempts: number;
  locked_until_ms: number | null;
  created_at_ms: number;
}

const toRecord = (row: UserRow): StaffUserRecord => ({
  id: Number(row.id),
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  storeIds: row.store_ids,
  disabled: row.disabled_at_ms !== null,
  lockedUntilMs: row.locked_until_ms === null ? null : Number(row.locked_until_ms),
  createdAtMs: Number(row.created_at_ms),
});

export interface NewStaffUser {
  username: string;
  displayName?: string;
  role: string;
  storeIds?: string[];
  password: string;
}

/** Validates a new user; the message names the field at fault. */
export function newUserProblem(user: NewStaffUser): string | null {
  if (!USERNAME_PATTERN.test(user.username)) return 'username: 2-63 characters, lower-case letters, digits, ".", "_" or "-"';
  if (!(STAFF_ROLES as readonly string[]).includes(user.role)) return `role: one of ${STAFF_ROLES.join(', ')}`;
  const stores = user.storeIds ?? [];
  if (user.role === 'store-manager' && stores.length === 0) return 'store: a store manager needs at least one --store';
  if (user.role !== 'store-manager' && stores.length > 0) return `store: only a store manager has stores (a ${user.role} sees every store)`;
  const badStore = stores.find((store) => !STORE_ID_PATTERN.test(store));
  if (badStore !== undefined) return `store: "${badStore}" is not a store id`;
  if (user.displayName !== undefined && (user.displayName.trim().length === 0 || user.displayName.length > DISPLAY_NAME_LENGTH_MAX)) return `display name: 1-${DISPLAY_NAME_LENGTH_MAX} characters`;
  const password = passwordProblem(user.password);
  return password ? `password: ${password}` : null;
}

export async function addStaffUser(db: Db, user: NewStaffUser, nowMs: number): Promise<StaffUserRecord> {
  const problem = newUserProblem(user);
  if (problem) throw new HqError('BAD_REQUEST', problem);
  const hash = await hashPassword(user.password);
  const storeIds = user.role === 'store-manager' ? [...new Set(user.storeIds)] : null;
  return db.transaction(async (tx) => {
    const existing = await tx.query('SELECT 1 FROM dashboard_users WHERE username = $1', [user.username]);
    if (existing.rowCount > 0) throw new HqError('BAD_REQUEST', `username: "${user.username}" exists already`);
    const row = (
      await tx.query<UserRow>(
        `INSERT INTO dashboard_users (username, display_name, role, store_ids, password_hash, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $6) RETURNING *`,
        [user.username, user.displayName?.trim() || user.username, user.role, storeIds === null ? null : JSON.stringify(storeIds), hash, nowMs],
      )
    ).rows[0]!;
    await createAudit(() => nowMs)(tx, { user: null, action: 'user.add', subject: `user:${user.username}`, details: { role: user.role, storeIds } });
    return toRecord(row);
  });
}

export async function listStaffUsers(db: Queryable): Promise<StaffUserRecord[]> {
  return (await db.query<UserRow>('SELECT * FROM dashboard_users ORDER BY username')).rows.map(toRecord);
}

async function changeUser(db: Db, username: string, nowMs: number, action: string, change: (tx: Queryable, id: number) => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    const row = (await tx.query<{ id: number }>('SELECT id FROM dashboard_users WHERE username = $1 FOR UPDATE', [username])).rows[0];
    if (!row) throw new HqError('NOT_FOUND', `no user "${username}"`);
    await change(tx, Number(row.id));
    // A disabled user or a new password ends every session that user had open.
    await deleteSessionsOf(tx, Number(row.id));
    await createAudit(() => nowMs)(tx, { user: null, action, subject: `user:${username}` });
  });
}

export async function disableStaffUser(db: Db, username: string, nowMs: number): Promise<void> {
  await changeUser(db, username, nowMs, 'user.disable', async (tx, id) => {
    await tx.query('UPDATE dashboard_users SET disabled_at_ms = COALESCE(disabled_at_ms, $2), updated_at_ms = $2 WHERE id = $1', [id, nowMs]);
  });
}

/** Sets a new password; also lifts a lock-out and re-enables nothing (a disabled user stays disabled). */
export async function setStaffPassword(db: Db, username: string, password: string, nowMs: number): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new HqError('BAD_REQUEST', `password: ${problem}`);
  const hash = await hashPassword(password);
  await changeUser(db, username, nowMs, 'user.password', async (tx, id) => {
    await tx.query('UPDATE dashboard_users SET password_hash = $2, failed_attempts = 0, locked_until_ms = NULL, updated_at_ms = $3 WHERE id = $1', [id, hash, nowMs]);
  });
}

export type SignInResult = { ok: true; user: StaffUser } | { ok: false; reason: 'wrong' | 'locked'; lockedUntilMs?: number };

/**
 * Checks a username and password. Five wrong passwords in a row lock the user out for 15
 * minutes (kept in the database: a restart does not lift it). Unknown and disabled users get
 * the same answer as a wrong password, after the same amount of work.
 */
export async function checkSignIn(db: Db, username: string, password: string, nowMs: number): Promise<SignInResult> {
  const row = (await db.query<UserRow>('SELECT * FROM dashboard_users WHERE username = $1', [username])).rows[0];
  if (!row || row.disabled_at_ms !== null) {
    await burnPasswordCheck(password);
    return { ok: false, reason: 'wrong' };
  }
  if (row.locked_until_ms !== null && Number(row.locked_until_ms) > nowMs) return { ok: false, reason: 'locked', lockedUntilMs: Number(row.locked_until_ms) };
  const matches = await verifyPassword(password, row.password_hash);
  return db.transaction(async (tx) => {
    // Counted under the row lock: parallel guesses cannot slip past the limit.
    const current = (await tx.query<UserRow>('SELECT * FROM dashboard_users WHERE id = $1 FOR UPDATE', [row.id])).rows[0]!;
    if (current.locked_until_ms !== null && Number(current.locked_until_ms) > nowMs) return { ok: false, reason: 'locked', lockedUntilMs: Number(current.locked_until_ms) };
    if (matches) {
      await tx.query('UPDATE dashboard_users SET failed_attempts = 0, locked_until_ms = NULL WHERE id = $1', [row.id]);
      const { id, username: name, displayName, role, storeIds } = toRecord(current);
      return { ok: true, user: { id, username: name, displayName, role, storeIds } };
    }
    const failures = current.failed_attempts + 1;
    if (failures >= LOCKOUT_ATTEMPTS) {
      const lockedUntilMs = nowMs + LOCKOUT_MS;
      await tx.query('UPDATE dashboard_users SET failed_attempts = 0, locked_until_ms = $2 WHERE id = $1', [row.id, lockedUntilMs]);
      await createAudit(() => nowMs)(tx, { user: null, action: 'user.lockout', subject: `user:${current.username}`, details: { attempts: failures } });
      return { ok: false, reason: 'locked', lockedUntilMs };
    }
    await tx.query('UPDATE dashboard_users SET failed_attempts = $2 WHERE id = $1', [row.id, failures]);
    return { ok: false, reason: 'wrong' };
  });
}
