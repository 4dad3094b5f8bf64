import { STAFF_MODULE, type StaffState } from './staff/module.js';
import { addStaff } from './staff/admin.js';
import type { Kiosk } from './compose.js';

export const DEMO_STAFF_CARD = 'nfc:5A5A0001';
export const DEMO_STAFF_PIN = '1234';
export const DEMO_MEMBER_CARD = 'nfc:04A1B2C3D4E5F6';
const DEMO_MEMBER_PHONE = '09120000001';

/**
 * A fresh demo gets one cashier (staff card + PIN) and one member with points, so a person can
 * try every screen at once. Runs only on an empty demo data directory's first start.
 */
export async function seedDemo(kiosk: Kiosk): Promise<void> {
  const actor = { kind: 'system' as const, id: 'demo-seed' };
  const staff = kiosk.ledger.slice<StaffState>(STAFF_MODULE);
  if (staff.members.size === 0) {
    await addStaff(kiosk.ledger, { staffId: 'demo-cashier', name: 'صندوق‌دار نمونه', cardId: DEMO_STAFF_CARD, pin: DEMO_STAFF_PIN }, actor);
  }
  if (!kiosk.ledger.core.memberByPhone.has(DEMO_MEMBER_PHONE)) {
    const member = await kiosk.club.createMember({ name: 'سارا محمدی', phone: DEMO_MEMBER_PHONE, smsConsent: true, card: DEMO_MEMBER_CARD }, actor);
    await kiosk.club.adjustPoints(member.memberId, 450, 'هدیه خوش‌آمد دمو', actor);
  }
}
