import type { ApplyContext, LedgerModule } from '../../ledger/module.js';
import { LedgerError, type Op } from '../../ledger/types.js';
import { isPinHash } from './pin.js';

/**
 * Staff members live in the ledger (module `staff`): adding one, changing a PIN, locking and
 * unlocking are commits, journaled with who did them and replicated like everything else.
 * The PIN arrives already hashed (handlers must be deterministic; hashing salts randomly).
 */
export interface StaffMember {
  id: string;
  name: string;
  /** Normalised card id of the staff card. */
  cardId: string;
  pinHash: string;
  /** Locked after too many wrong PINs until this time (ms since epoch); 0 when not locked. */
  lockedUntilMs: number;
  active: boolean;
}

export interface StaffState {
  members: Map<string, StaffMember>;
  byCard: Map<string, string>;
}

export const STAFF_MODULE = 'staff';
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const CARD = /^[a-z0-9]{2,8}:[A-Za-z0-9_.-]{1,128}$/;

function invalid(message: string): never {
  throw new LedgerError('INVALID_OPERATION', message);
}

function find(state: StaffState, staffId: unknown): StaffMember {
  const found = typeof staffId === 'string' ? state.members.get(staffId) : undefined;
  if (!found) throw new LedgerError('UNKNOWN_STAFF', 'no such staff member');
  return found;
}

function add(state: StaffState, op: Op, ctx: ApplyContext): { staffId: string } {
  const { staffId, name, cardId, pinHash } = op as Op & Record<string, unknown>;
  if (typeof staffId !== 'string' || !ID.test(staffId)) invalid('staffId must be a short id');
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 80) invalid('name must be 1 to 80 characters');
  if (typeof cardId !== 'string' || !CARD.test(cardId)) invalid('cardId must be a normalised card id');
  if (!isPinHash(pinHash)) invalid('pinHash must be an scrypt hash');
  if (state.members.has(staffId)) throw new LedgerError('STAFF_EXISTS', 'this staff id is taken');
  const holder = state.byCard.get(cardId);
  if (holder !== undefined) throw new LedgerError('CARD_IN_USE', 'this card already belongs to a staff member');
  const member: StaffMember = { id: staffId, name: name.trim(), cardId, pinHash, lockedUntilMs: 0, active: true };
  ctx.undo.set(state.members, staffId, member);
  ctx.undo.set(state.byCard, cardId, staffId);
  return { staffId };
}

function setPin(state: StaffState, op: Op, ctx: ApplyContext): { staffId: string } {
  const current = find(state, op.staffId);
  if (!isPinHash(op.pinHash)) invalid('pinHash must be an scrypt hash');
  // A new PIN also lifts a lock: that is how a technician lets a locked-out cashier back in.
  ctx.undo.set(state.members, current.id, { ...current, pinHash: op.pinHash, lockedUntilMs: 0 });
  return { staffId: current.id };
}

function lock(state: StaffState, op: Op, ctx: ApplyContext): { staffId: string; lockedUntilMs: number } {
  const current = find(state, op.staffId);
  const untilMs = op.untilMs;
  if (typeof untilMs !== 'number' || !Number.isSafeInteger(untilMs) || untilMs < 0) invalid('untilMs must be a time in ms');
  ctx.undo.set(state.members, current.id, { ...current, lockedUntilMs: untilMs });
  return { staffId: current.id, lockedUntilMs: untilMs };
}

function unlock(state: StaffState, op: Op, ctx: ApplyContext): { staffId: string } {
  const current = find(state, op.staffId);
  ctx.undo.set(state.members, current.id, { ...current, lockedUntilMs: 0 });
  return { staffId: current.id };
}

export const staffModule: LedgerModule<StaffState> = {
  name: STAFF_MODULE,
  initial: () => ({ members: new Map(), byCard: new Map() }),
  handlers: { 'staff.add': add, 'staff.set-pin': setPin, 'staff.lock': lock, 'staff.unlock': unlock },
  toSnapshot: (state) => [...state.members.values()],
  fromSnapshot(data) {
    const state: StaffState = { members: new Map(), byCard: new Map() };
    for (const member of data as StaffMember[]) {
      state.members.set(member.id, member);
      state.byCard.set(member.cardId, member.id);
    }
    return state;
  },
};
