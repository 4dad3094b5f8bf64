import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db.js';
import { STAFF_ROLES, type StaffRole, type StaffUser } from './types.js';

/**
 * Staff sessions. The browser holds a random 32-byte id in an HttpOnly cookie; the database
 * holds only its SHA-256, so a copy of the database signs nobody in. A session ends after
 * 30 minutes without a request, 12 hours after sign-in, at sign-out, or when the user is
 * disabled or given a new password.
 */
export const SESSION_COOKIE = 'bashgah_hq_session';
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** Refreshing last-seen on every request would write on every read; once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

export interface Session {
  user: StaffUser;
  csrfToken: string;
  expiresAtMs: number;
}

export async function createSession(db: Queryable, userId: number, nowMs: number): Promise<{ id: string; csrfToken: string; expiresAtMs: number }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAtMs = nowMs + SESSION_ABSOLUTE_MS;
  await db.query('INSERT INTO dashboard_sessions (id_hash, user_id, csrf_token, created_at_ms, last_seen_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $4, $5)', [
    hashSessionId(id),
    userId,
    csrfToken,
    nowMs,
    expiresAtMs,
  ]);
  // Sessions that ended are removed as new ones begin: the table stays as small as its users.
  await db.query('DELETE FROM dashboard_sessions WHERE expires_at_ms <= $1 OR last_seen_at_ms <= $2', [nowMs, nowMs - SESSION_IDLE_MS]);
  return { id, csrfToken, expiresAtMs };
}

interface SessionRow {
  id_hash: string;
  csrf_token: string;
  last_seen_at_ms: number;
  expires_at_ms: number;
  user_id: number;
  username: string;
  display_name: string;
  role: string;
  store_ids: string[] | null;
  disabled_at_ms: number | null;
}

/** The live session for a cookie value, or null; refreshes its idle timer. */
export async function findSession(db: Queryable, id: string, nowMs: number): Promise<Session | null> {
  if (id.length === 0 || id.length > 100) return null;
  const idHash = hashSessionId(id);
  const row = (
    await db.query<SessionRow>(
      `SELECT s.id_hash, s.csrf_token, s.last_seen_at_ms, s.expires_at_ms, u.id AS user_id, u.username, u.display_name, u.role, u.store_ids, u.disabled_at_ms
       FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id WHERE s.id_hash = $1`,
      [idHash],
    )
  ).rows[0];
  if (!row) return null;
  const lastSeenAtMs = Number(row.last_seen_at_ms);
  const expiresAtMs = Number(row.expires_at_ms);
  if (row.disabled_at_ms !== null || nowMs >= expiresAtMs || nowMs - lastSeenAtMs >= SESSION_IDLE_MS || !isRole(row.role)) {
    await db.query('DELETE FROM dashboard_sessions WHERE id_hash = $1', [idHash]);
    return null;
  }
  if (nowMs - lastSeenAtMs >= TOUCH_EVERY_MS) await db.query('UPDATE dashboard_sessions SET last_seen_at_ms = $2 WHERE id_hash = $1', [idHash, nowMs]);
  return {
    user: { id: Number(row.user_id), username: row.username, displayName: row.display_name, role: row.role, storeIds: row.store_ids },
    csrfToken: row.csrf_token,
    expiresAtMs,
  };
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM dashboard_sessions WHERE id_hash = $1', [hashSessionId(id)]);
}

export async function deleteSessionsOf(db: Queryable, userId: number): Promise<void> {
  await db.query('DELETE FROM dashboard_sessions WHERE user_id = $1', [userId]);
}

const isRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

/** The session cookie's value from a Cookie header, or '' (no cookie library needed for one cookie). */
export function sessionIdFromCookieHeader(header: string | undefined): string {
  if (!header || header.length > 8192) return '';
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return '';
}

export function sessionCookie(id: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}
