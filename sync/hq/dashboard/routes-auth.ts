import { Type, type Static } from 'typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HqError } from '../errors.js';
import { requireSession, CSRF_HEADER, csrfMatches } from './guard.js';
import { createSession, deleteSession, sessionCookie, sessionIdFromCookieHeader, SESSION_ABSOLUTE_MS, type Session } from './sessions.js';
import { checkSignIn } from './users.js';
import type { DashboardDeps } from './types.js';

const SignInSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 63 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

const secure = (request: FastifyRequest) => request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';

const sessionBody = (session: Pick<Session, 'user' | 'csrfToken' | 'expiresAtMs'>) => ({ user: session.user, csrfToken: session.csrfToken, expiresAtMs: session.expiresAtMs });

/** Sign-in (`POST /session`), who am I (`GET /session`), sign-out (`DELETE /session`). */
export async function registerAuthRoutes(api: FastifyInstance, deps: DashboardDeps): Promise<void> {
  api.post<{ Body: Static<typeof SignInSchema> }>('/session', { schema: { body: SignInSchema } }, async (request, reply) => {
    const nowMs = deps.nowMs();
    const username = request.body.username.trim().toLowerCase();
    const result = await checkSignIn(deps.db, username, request.body.password, nowMs);
    if (!result.ok) {
      if (result.reason === 'locked') {
        const waitS = Math.max(1, Math.ceil(((result.lockedUntilMs ?? nowMs) - nowMs) / 1000));
        const error = new HqError('LOCKED_OUT', `too many wrong passwords: try again in ${Math.ceil(waitS / 60)} minutes`);
        return reply.code(error.statusCode).header('retry-after', String(waitS)).send({ code: error.code, message: error.message });
      }
      throw new HqError('UNAUTHORIZED', 'wrong username or password');
    }
    const user = result.user;
    // A sign-in replaces the browser's previous session rather than leaving it alive beside the new one.
    const previousId = sessionIdFromCookieHeader(request.headers.cookie);
    const created = await deps.db.transaction(async (tx) => {
      if (previousId) await deleteSession(tx, previousId);
      const session = await createSession(tx, user.id, nowMs);
      await deps.audit(tx, { user, action: 'session.start', subject: `user:${user.username}` });
      return session;
    });
    deps.logger?.info({ userId: user.id, role: user.role }, 'dashboard sign-in');
    return reply
      .header('set-cookie', sessionCookie(created.id, SESSION_ABSOLUTE_MS / 1000, secure(request)))
      .header('cache-control', 'no-store')
      .send(sessionBody({ user, csrfToken: created.csrfToken, expiresAtMs: created.expiresAtMs }));
  });

  api.get('/session', async (request, reply) => {
    const session = await requireSession(deps.db, request, deps.nowMs());
    return reply.header('cache-control', 'no-store').send(sessionBody(session));
  });

  api.delete('/session', async (request: FastifyRequest, reply: FastifyReply) => {
    const id = sessionIdFromCookieHeader(request.headers.cookie);
    const session = await requireSession(deps.db, request, deps.nowMs());
    if (!csrfMatches(request.headers[CSRF_HEADER], session.csrfToken)) throw new HqError('FORBIDDEN', `missing or wrong ${CSRF_HEADER} header`);
    await deps.db.transaction(async (tx) => {
      await deleteSession(tx, id);
      await deps.audit(tx, { user: session.user, action: 'session.end', subject: `user:${session.user.username}` });
    });
    return reply.header('set-cookie', sessionCookie('', 0, secure(request))).send({ signedOut: true });
  });
}
