// The one way pages talk to the head office: JSON in and out, the session's CSRF token on
// every change, a typed error with the server's code, and back to sign-in on a 401.

import { t } from './i18n.js';

export const CSRF_HEADER = 'x-bashgah-csrf';
const REQUEST_TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  /**
   * @param {number} status  HTTP status; 0 when the server was not reached
   * @param {string} code  the head office's error code (UNAUTHORIZED, FORBIDDEN, BAD_REQUEST, …)
   * @param {string} message
   * @param {number|null} [retryAfterS]
   */
  constructor(status, code, message, retryAfterS = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

let csrfToken = '';
/** @type {() => void} */
let onSignedOut = () => {};

/** @param {string} token */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when a signed-in request is answered 401 (session ended). @param {() => void} handler */
export function onUnauthorized(handler) {
  onSignedOut = handler;
}

/**
 * `api('GET', '/members?q=…')` → the parsed JSON. Paths are relative to `/v1/dashboard`
 * unless they start with `/v1/`.
 * @param {'GET'|'POST'|'PUT'|'PATCH'|'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const url = path.startsWith('/v1/') ? path : `/v1/dashboard${path}`;
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers[CSRF_HEADER] = csrfToken;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'OFFLINE', t('error.OFFLINE'));
  }
  const text = await response.text();
  /** @type {any} */
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return data;
  const code = typeof data?.code === 'string' ? data.code : `HTTP_${response.status}`;
  const message = typeof data?.message === 'string' ? data.message : response.statusText;
  const retryAfter = Number(response.headers.get('retry-after'));
  const error = new ApiError(response.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  // A wrong password at sign-in is not a session that ended.
  const signingIn = method === 'POST' && url === '/v1/dashboard/session';
  if (response.status === 401 && !signingIn) onSignedOut();
  throw error;
}
