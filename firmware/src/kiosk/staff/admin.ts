import { randomBytes } from 'node:crypto';
import type { Actor } from '../../ledger/types.js';
import type { LedgerPort } from '../ledger-port.js';
import { STAFF_MODULE, type StaffState } from './module.js';
import { hashPin } from './pin.js';

/**
 * Adding staff and resetting PINs (for `bashgah staff add` / PIN reset and the demo). The PIN
 * is hashed here, before the commit, so the journal never holds it in the clear.
 */
export async function addStaff(ledger: LedgerPort, input: { name: string; cardId: string; pin: string; staffId?: string }, actor: Actor): Promise<string> {
  const staffId = input.staffId ?? `s_${randomBytes(6).toString('base64url')}`;
  const pinHash = await hashPin(input.pin);
  await ledger.commit({ id: `staff-add-${staffId}`, actor, ops: [{ op: 'staff.add', staffId, name: input.name, cardId: input.cardId, pinHash }] });
  return staffId;
}

export async function resetStaffPin(ledger: LedgerPort, staffId: string, pin: string, actor: Actor): Promise<void> {
  const pinHash = await hashPin(pin);
  await ledger.commit({ id: `staff-pin-${staffId}-${randomBytes(6).toString('hex')}`, actor, ops: [{ op: 'staff.set-pin', staffId, pinHash }] });
}

export function staffList(ledger: LedgerPort): Array<{ staffId: string; name: string; lockedUntilMs: number }> {
  return [...ledger.slice<StaffState>(STAFF_MODULE).members.values()].map((member) => ({ staffId: member.id, name: member.name, lockedUntilMs: member.lockedUntilMs }));
}
