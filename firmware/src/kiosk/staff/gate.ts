import type { AuditLog } from '../audit.js';
import type { LedgerPort } from '../ledger-port.js';
import { STAFF_MODULE, type StaffMember, type StaffState } from './module.js';
import { verifyPin } from './pin.js';

export const MAX_PIN_ATTEMPTS = 5;
export const LOCK_MS = 15 * 60 * 1000;

export type PinCheck =
  | { outcome: 'ok'; staff: StaffMember }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'locked'; untilMs: number };

/**
 * Staff sign-in: staff card, then PIN. Five wrong PINs in a row lock the staff member for a
 * while; the lock is a ledger commit, so a restart does not lift it. Every attempt is audited.
 */
export class StaffGate {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly ledger: LedgerPort,
    private readonly audit: AuditLog,
    private readonly nowMs: () => number = Date.now,
  ) {}

  private get state(): StaffState {
    return this.ledger.slice<StaffState>(STAFF_MODULE);
  }

  staffForCard(cardId: string): StaffMember | undefined {
    const staffId = this.state.byCard.get(cardId);
    const staff = staffId === undefined ? undefined : this.state.members.get(staffId);
    return staff?.active ? staff : undefined;
  }

  lockedUntil(staff: StaffMember): number | null {
    return staff.lockedUntilMs > this.nowMs() ? staff.lockedUntilMs : null;
  }

  attemptsLeft(staffId: string): number {
    return MAX_PIN_ATTEMPTS - (this.failures.get(staffId) ?? 0);
  }

  async checkPin(staffId: string, pin: string): Promise<PinCheck> {
    const staff = this.state.members.get(staffId);
    if (!staff || !staff.active) return { outcome: 'wrong', attemptsLeft: 0 };
    const actor = { kind: 'staff' as const, id: staff.id };
    const lockedUntil = this.lockedUntil(staff);
    if (lockedUntil !== null) {
      this.audit.record({ atMs: this.nowMs(), actor, action: 'staff.sign-in', outcome: 'refused', details: { reason: 'locked' } });
      return { outcome: 'locked', untilMs: lockedUntil };
    }
    if (await verifyPin(pin, staff.pinHash)) {
      this.failures.delete(staffId);
      this.audit.record({ atMs: this.nowMs(), actor, action: 'staff.sign-in', outcome: 'ok' });
      return { outcome: 'ok', staff };
    }
    const failures = (this.failures.get(staffId) ?? 0) + 1;
    this.failures.set(staffId, failures);
    this.audit.record({ atMs: this.nowMs(), actor, action: 'staff.sign-in', outcome: 'refused', details: { reason: 'wrong-pin', failures } });
    if (failures < MAX_PIN_ATTEMPTS) return { outcome: 'wrong', attemptsLeft: MAX_PIN_ATTEMPTS - failures };
    this.failures.delete(staffId);
    const untilMs = this.nowMs() + LOCK_MS;
    await this.ledger.commit({
      id: `staff-lock-${staffId}-${untilMs}`,
      actor: { kind: 'kiosk', id: 'staff-gate' },
      ops: [{ op: 'staff.lock', staffId, untilMs }],
    });
    this.audit.record({ atMs: this.nowMs(), actor, action: 'staff.locked', outcome: 'ok', details: { untilMs } });
    return { outcome: 'locked', untilMs };
  }
}
