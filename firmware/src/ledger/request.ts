import { LedgerError, type CommitRequest } from './types.js';

const ACTOR_KINDS = new Set(['pos', 'staff', 'technician', 'kiosk', 'system', 'sync']);
export const MAX_OPS_PER_COMMIT = 100;

/** Checks the envelope of a commit; each operation's own fields are its handler's business. */
export function validateRequest(request: CommitRequest): void {
  const fail = (message: string): never => {
    throw new LedgerError('INVALID_OPERATION', message);
  };
  if (typeof request !== 'object' || request === null) fail('a commit must be an object');
  if (typeof request.id !== 'string' || request.id.length === 0 || request.id.length > 128) fail('commit id must be 1 to 128 characters');
  const actor = request.actor;
  if (typeof actor !== 'object' || actor === null || !ACTOR_KINDS.has(actor.kind) || typeof actor.id !== 'string' || actor.id.length > 64) {
    fail('actor must be {kind, id} with a known kind');
  }
  if (!Array.isArray(request.ops) || request.ops.length === 0 || request.ops.length > MAX_OPS_PER_COMMIT) {
    fail(`a commit holds 1 to ${MAX_OPS_PER_COMMIT} operations`);
  }
}
