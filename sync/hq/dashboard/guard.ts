import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db.js';
import { HqError } from '../errors.js';
import { findSession, sessionIdFromCookieHeader, type Session } from './sessions.js';
import type { RoleGuard, StaffRole } from './types.js';

export const CSRF_HEADER = 'x-bashgah-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    staffSession?: Session;
  }
}

/** The session behind the request's cookie; 401 without one. */
export async function requireSession(db: Db, request: FastifyRequest, nowMs: number): Promise<Session> {
  const session = await findSession(db, sessionIdFromCookieHeader(request.headers.cookie), nowMs);
  if (!session) throw new HqError('UNAUTHORIZED', 'sign in first (no session, or it has expired)');
  return session;
}

export function csrfMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}

/**
 * `requireRole('manager', 'support')` → a preHandler that lets through only a signed-in user of
 * one of those roles (no roles: any signed-in user), and, for anything but a read, only with
 * the session's CSRF token in `x-bashgah-csrf`.
 */
export function createRoleGuard(db: Db, nowMs: () => number): RoleGuard {
  return (...roles: StaffRole[]) =>
    async (request) => {
      const session = await requireSession(db, request, nowMs());
      if (!SAFE_METHODS.has(request.method) && !csrfMatches(request.headers[CSRF_HEADER], session.csrfToken)) {
        throw new HqError('FORBIDDEN', `missing or wrong ${CSRF_HEADER} header`);
      }
      if (roles.length > 0 && !roles.includes(session.user.role)) throw new HqError('FORBIDDEN', `your role (${session.user.role}) may not do this`);
      request.staffSession = session;
      request.staffUser = session.user;
    };
}
