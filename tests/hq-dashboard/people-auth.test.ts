import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionId, SESSION_IDLE_MS } from '../../sync/hq/dashboard/sessions.js';
import { disableStaffUser } from '../../sync/hq/dashboard/users.js';
import { startRouteDashboard, type RouteDashboard } from './support/route-app.js';
import { rawCall, signIn, STAFF, TEST_PASSWORD } from './support/staff.js';

/** Sign-in, sessions, CSRF, lock-out and the audit page's access rules (real PostgreSQL: it starts faster than PGlite). */
describe('dashboard sign-in and sessions', () => {
  let hq: RouteDashboard;
  beforeAll(async () => {
    hq = await startRouteDashboard('postgres');
  });
  afterAll(async () => {
    await hq?.close();
  });

  it('refuses every dashboard route without a session (401)', async () => {
    for (const url of ['/v1/dashboard/session', '/v1/dashboard/audit', '/v1/dashboard/members?q=0912']) {
      const answer = await rawCall<{ code: string }>(hq.app, 'GET', url, undefined, {});
      expect(answer.status, url).toBe(401);
      expect(answer.body.code).toBe('UNAUTHORIZED');
    }
    const forged = await rawCall(hq.app, 'GET', '/v1/dashboard/session', undefined, { cookie: 'bashgah_hq_session=not-a-session' });
    expect(forged.status).toBe(401);
  });

  it('signs in with an HttpOnly SameSite=Strict cookie whose id is stored only as a hash', async () => {
    const answer = await rawCall<{ user: Record<string, unknown>; csrfToken: string }>(hq.app, 'POST', '/v1/dashboard/session', { username: 'Maryam', password: TEST_PASSWORD }, {});
    expect(answer.status).toBe(200);
    const cookie = String(answer.headers['set-cookie']);
    expect(cookie).toMatch(/^bashgah_hq_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(answer.body.user).toEqual({ id: expect.any(Number), username: 'maryam', displayName: STAFF.manager.displayName, role: 'manager', storeIds: null });
    const id = cookie.split(';')[0]!.split('=')[1]!;
    const stored = await hq.db.query<{ id_hash: string }>('SELECT id_hash FROM dashboard_sessions');
    expect(stored.rows.map((row) => row.id_hash)).toContain(hashSessionId(id));
    expect(stored.rows.map((row) => row.id_hash)).not.toContain(id);
  });

  it('answers GET /session with the user and CSRF token; sign-out needs the token and ends the session', async () => {
    const client = await signIn(hq.app, STAFF.storeManager.username);
    const session = await client.call<{ user: { role: string; storeIds: string[] }; csrfToken: string }>('GET', '/v1/dashboard/session');
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ role: 'store-manager', storeIds: ['store-a'] });
    expect(session.body.csrfToken).toBe(client.csrfToken);

    const withoutToken = await client.call<{ code: string }>('DELETE', '/v1/dashboard/session', undefined, { csrf: false });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.code).toBe('FORBIDDEN');
    const wrongToken = await rawCall(hq.app, 'DELETE', '/v1/dashboard/session', undefined, { cookie: client.cookie, 'x-bashgah-csrf': 'x'.repeat(43) });
    expect(wrongToken.status).toBe(403);
    expect((await client.call('GET', '/v1/dashboard/session')).status).toBe(200);

    // Signing in again from the same browser replaces the session.
    const again = await rawCall<{ csrfToken: string }>(hq.app, 'POST', '/v1/dashboard/session', { username: STAFF.storeManager.username, password: TEST_PASSWORD }, { cookie: client.cookie });
    expect(again.status).toBe(200);
    expect((await client.call('GET', '/v1/dashboard/session')).status).toBe(401);
    const replacement = String(again.headers['set-cookie']).split(';')[0]!;
    const out = await rawCall(hq.app, 'DELETE', '/v1/dashboard/session', undefined, { cookie: replacement, 'x-bashgah-csrf': again.body.csrfToken });
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await rawCall(hq.app, 'GET', '/v1/dashboard/session', undefined, { cookie: replacement })).status).toBe(401);
  });

  it('ends a session after 30 idle minutes, and 12 hours after sign-in however busy', async () => {
    const idle = await signIn(hq.app, STAFF.support.username);
    hq.clock.nowMs += SESSION_IDLE_MS - 1000;
    expect((await idle.call('GET', '/v1/dashboard/session')).status).toBe(200);
    hq.clock.nowMs += SESSION_IDLE_MS - 1000; // active a moment ago: still alive
    expect((await idle.call('GET', '/v1/dashboard/session')).status).toBe(200);
    hq.clock.nowMs += SESSION_IDLE_MS;
    expect((await idle.call('GET', '/v1/dashboard/session')).status).toBe(401);

    const busy = await signIn(hq.app, STAFF.support.username);
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      hq.clock.nowMs += 20 * 60_000;
      expect((await busy.call('GET', '/v1/dashboard/session')).status).toBe(200);
    }
    hq.clock.nowMs += 25 * 60_000;
    expect((await busy.call('GET', '/v1/dashboard/session')).status).toBe(401);
  });

  it('locks a user out for 15 minutes after 5 wrong passwords, across a restart', async () => {
    const attempt = (password: string) => rawCall<{ code: string; message: string }>(hq.app, 'POST', '/v1/dashboard/session', { username: STAFF.otherStoreManager.username, password }, {});
    for (let i = 1; i <= 4; i++) expect((await attempt(`wrong-password-${i}`)).status).toBe(401);
    const fifth = await attempt('wrong-password-5');
    expect(fifth.status).toBe(429);
    expect(fifth.body).toMatchObject({ code: 'LOCKED_OUT', message: expect.stringContaining('15 minutes') });
    expect(fifth.headers['retry-after']).toBe('900');
    expect((await attempt(TEST_PASSWORD)).status).toBe(429);

    await hq.restart();
    hq.clock.nowMs += 14 * 60_000;
    expect((await attempt(TEST_PASSWORD)).status).toBe(429);
    hq.clock.nowMs += 60_000;
    expect((await attempt(TEST_PASSWORD)).status).toBe(200);
    // A success resets the count: four more mistakes do not lock.
    for (let i = 1; i <= 4; i++) expect((await attempt(`again-${i}`)).status).toBe(401);
    expect((await attempt(TEST_PASSWORD)).status).toBe(200);
  });

  it('gives unknown users the same answer as a wrong password, and names the missing field', async () => {
    const unknown = await rawCall<{ code: string; message: string }>(hq.app, 'POST', '/v1/dashboard/session', { username: 'nobody', password: TEST_PASSWORD }, {});
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe('wrong username or password');
    const missing = await rawCall<{ code: string; message: string }>(hq.app, 'POST', '/v1/dashboard/session', { username: 'maryam' }, {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('password');
  });

  it('ends the sessions of a disabled user and refuses their sign-in', async () => {
    const client = await signIn(hq.app, STAFF.support.username);
    await disableStaffUser(hq.db, STAFF.support.username, hq.clock.nowMs);
    expect((await client.call('GET', '/v1/dashboard/session')).status).toBe(401);
    await expect(signIn(hq.app, STAFF.support.username)).rejects.toThrow(/401/);
    await hq.db.query('UPDATE dashboard_users SET disabled_at_ms = NULL WHERE username = $1', [STAFF.support.username]);
  });

  it('shows the audit trail to managers only', async () => {
    const manager = await signIn(hq.app, STAFF.manager.username);
    const audit = await manager.call<{ entries: Array<{ action: string; subject: string; username: string }> }>('GET', '/v1/dashboard/audit?limit=200');
    expect(audit.status).toBe(200);
    const actions = audit.body.entries.map((entry) => `${entry.username} ${entry.action} ${entry.subject}`);
    expect(actions).toContain('(command line) user.add user:reza');
    expect(actions).toContain('(command line) user.lockout user:ali');
    expect(actions).toContain('(command line) user.disable user:sara');
    expect(actions).toContain('reza session.end user:reza');
    for (const who of [STAFF.storeManager, STAFF.support]) {
      const client = await signIn(hq.app, who.username);
      const refused = await client.call<{ code: string }>('GET', '/v1/dashboard/audit');
      expect(refused.status, who.role).toBe(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    }
    const paged = await manager.call<{ entries: Array<{ id: number }>; nextBeforeId: number }>('GET', '/v1/dashboard/audit?limit=2');
    expect(paged.body.entries).toHaveLength(2);
    const next = await manager.call<{ entries: Array<{ id: number }> }>('GET', `/v1/dashboard/audit?limit=2&beforeId=${paged.body.nextBeforeId}`);
    expect(next.body.entries[0]!.id).toBeLessThan(paged.body.entries[1]!.id + 0.5);
    expect((await manager.call<{ message: string }>('GET', '/v1/dashboard/audit?limit=5000')).body.message).toContain('limit');
  });
});
