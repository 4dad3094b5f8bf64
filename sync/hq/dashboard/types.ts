import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../../firmware/src/log/logger.js';
import type { Db, Queryable } from '../db.js';
import { HqError } from '../errors.js';

/**
 * The seams every dashboard slice codes against (see README.md here, "How the dashboard is put together"): the
 * dependencies a route plugin receives, the signed-in staff user, the audit writer and the
 * role guard.
 */
export const STAFF_ROLES = ['manager', 'store-manager', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUser {
  id: number;
  username: string;
  displayName: string;
  role: StaffRole;
  /** The stores this user may see; null = every store. */
  storeIds: string[] | null;
}

export interface AuditEntry {
  /** Who did it; null = the command line on the head office machine (`bashgah hq user …`). */
  user: StaffUser | null;
  /** What was done, `<noun>.<verb>`: `card.block`, `member.adjust`, `user.add`, … */
  action: string;
  /** What it was done to, `<kind>:<id>`: `card:<id>`, `member:<id>`, `user:<username>`. */
  subject: string;
  /** Free-form, without phone numbers or card numbers in clear. */
  details?: Record<string, unknown>;
}

/** Writes one audit row; call it with the transaction that makes the change. */
export type AuditFn = (tx: Queryable, entry: AuditEntry) => Promise<void>;

/** A fastify preHandler: 401 without a valid session, 403 for another role or a missing CSRF header. */
export type StaffPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
export type RoleGuard = (...roles: StaffRole[]) => StaffPreHandler;

export interface DashboardDeps {
  db: Db;
  nowMs: () => number;
  logger?: Logger;
  audit: AuditFn;
  requireRole: RoleGuard;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireRole(...)` on every dashboard route it guards. */
    staffUser?: StaffUser;
  }
}

/** The user `requireRole` put on the request; a route without the guard is a programming error. */
export function staffUserOf(request: FastifyRequest): StaffUser {
  if (!request.staffUser) throw new HqError('UNAUTHORIZED', 'sign in first');
  return request.staffUser;
}

export function canAccessStore(user: StaffUser, storeId: string): boolean {
  return user.storeIds === null || user.storeIds.includes(storeId);
}

/** Throws 403 FORBIDDEN when `storeId` is outside the user's stores. */
export function assertStoreAccess(user: StaffUser, storeId: string): void {
  if (!canAccessStore(user, storeId)) throw new HqError('FORBIDDEN', 'this store is outside your access');
}
