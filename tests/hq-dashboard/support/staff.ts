import type { FastifyInstance } from 'fastify';
import type { Db } from '../../../sync/hq/db.js';
import { addStaffUser } from '../../../sync/hq/dashboard/users.js';
import { SESSION_COOKIE } from '../../../sync/hq/dashboard/sessions.js';
import type { StaffRole } from '../../../sync/hq/dashboard/types.js';

/** Staff users of each role, and a signed-in client that talks to the dashboard API by inject. */
export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestStaff {
  username: string;
  role: StaffRole;
  storeIds?: string[];
  displayName: string;
}

/** manager (all stores), store-manager of store-a, support, and a store-manager of store-b. */
export const STAFF: Record<'manager' | 'storeManager' | 'support' | 'otherStoreManager', TestStaff> = {
  manager: { username: 'maryam', role: 'manager', displayName: 'مریم احمدی' },
  storeManager: { username: 'reza', role: 'store-manager', storeIds: ['store-a'], displayName: 'رضا کریمی' },
  support: { username: 'sara', role: 'support', displayName: 'سارا رحیمی' },
  otherStoreManager: { username: 'ali', role: 'store-manager', storeIds: ['store-b'], displayName: 'علی نادری' },
};

export async function addTestStaff(db: Db, nowMs = Date.now()): Promise<void> {
  for (const staff of Object.values(STAFF)) {
    await addStaffUser(db, { username: staff.username, role: staff.role, displayName: staff.displayName, password: TEST_PASSWORD, ...(staff.storeIds ? { storeIds: staff.storeIds } : {}) }, nowMs);
  }
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export interface StaffClient {
  cookie: string;
  csrfToken: string;
  /** Sends the session cookie, and the CSRF header unless `csrf: false`. */
  call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, options?: { csrf?: boolean }): Promise<ApiAnswer<T>>;
}

export async function rawCall<T>(app: FastifyInstance, method: string, url: string, body: unknown, headers: Record<string, string>): Promise<ApiAnswer<T>> {
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  const text = response.body;
  return { status: response.statusCode, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

export async function signIn(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<StaffClient> {
  const answer = await rawCall<{ csrfToken: string }>(app, 'POST', '/v1/dashboard/session', { username, password }, {});
  if (answer.status !== 200) throw new Error(`sign-in of ${username} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  const setCookie = String(answer.headers['set-cookie']);
  const cookie = setCookie.split(';')[0]!;
  if (!cookie.startsWith(`${SESSION_COOKIE}=`)) throw new Error(`no session cookie: ${setCookie}`);
  const csrfToken = answer.body.csrfToken;
  return {
    cookie,
    csrfToken,
    call: (method, url, body, options) => rawCall(app, method, url, body, { cookie, ...(options?.csrf === false ? {} : { 'x-bashgah-csrf': csrfToken }) }),
  };
}
