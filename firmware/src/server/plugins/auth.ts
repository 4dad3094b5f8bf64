import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Actor } from '../../ledger/types.js';
import { ApiError } from '../errors.js';

export type Role = 'pos' | 'staff' | 'technician';

export interface TokenEntry {
  name: string;
  token: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, set by `requireRole`; the actor recorded with every change. */
    actor?: Actor;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Bearer-token authorisation. Tokens and roles come from the config file (`tokens`). No or an
 * unknown token → 401; a known token whose role is not allowed → 403.
 */
export function createAuthorizer(tokens: readonly TokenEntry[]) {
  function identify(request: FastifyRequest): TokenEntry {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header.length === 0) throw new ApiError('UNAUTHORIZED');
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(header);
    if (!match) throw new ApiError('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>".');
    // Compare against every token so the time taken does not tell which prefix matched.
    let found: TokenEntry | undefined;
    for (const entry of tokens) if (sameSecret(match[1]!, entry.token)) found = entry;
    if (!found) throw new ApiError('UNAUTHORIZED', 'The token is not known.');
    return found;
  }

  return function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
    return async function authorize(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
      const entry = identify(request);
      if (!roles.includes(entry.role)) {
        throw new ApiError('FORBIDDEN', `This endpoint needs the role ${roles.join(' or ')}; the token has ${entry.role}.`);
      }
      request.actor = { kind: entry.role === 'pos' ? 'pos' : entry.role, id: entry.name };
    };
  };
}

export type RequireRole = ReturnType<typeof createAuthorizer>;
