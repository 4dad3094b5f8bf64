import type { Actor } from '../../ledger/types.js';
import type { Club } from '../../kiosk/club-types.js';
import type { RequireRole } from '../plugins/auth.js';
import type { FastifyRequest } from 'fastify';

/** What every route plugin receives. */
export interface RouteContext {
  club: Club;
  requireRole: RequireRole;
}

/** The actor set by `requireRole`; a route without it is a programming error. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error(`route ${request.url} ran without authorisation`);
  return request.actor;
}
