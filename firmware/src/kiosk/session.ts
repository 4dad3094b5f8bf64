/**
 * The customer's (and the cashier's) way through the kiosk, as a pure state machine: no
 * timers, no I/O. The runtime feeds it events and carries out what the new screen implies.
 * An event that makes no sense on the current screen is refused (`accepted: false`) and the
 * screen stays as it is, so a late reply or a double tap cannot jump the flow.
 */
import type { CapturedCard, GameOutcomeView, MemberView, RewardView, Screen, StaffMemberView, StaffNotice, StaffView, VoucherView } from './protocol.js';

export type SessionEvent =
  | { type: 'card-read' }
  | { type: 'member-found'; member: MemberView; rewards: RewardView[] }
  | { type: 'card-unknown' }
  | { type: 'card-blocked' }
  | { type: 'card-removed' }
  | { type: 'lookup-failed'; code: string }
  | { type: 'reader-problem'; code: string }
  | { type: 'show-rewards' }
  | { type: 'start-survey' }
  | { type: 'survey-done'; member: MemberView; rewards: RewardView[]; points: number }
  | { type: 'game-played'; member: MemberView; rewards: RewardView[]; outcome: GameOutcomeView }
  | { type: 'select-reward'; rewardId: string }
  | { type: 'back' }
  | { type: 'confirm' }
  | { type: 'voucher-issued'; voucher: VoucherView; member: MemberView }
  | { type: 'redeem-failed'; code: string }
  | { type: 'end' }
  | { type: 'timeout' }
  | { type: 'staff-card'; staffName: string; attemptsLeft: number }
  | { type: 'staff-pin-wrong'; attemptsLeft: number }
  | { type: 'staff-locked'; untilMs: number }
  | { type: 'staff-in'; staff: StaffView }
  | { type: 'staff-card-captured'; card: CapturedCard }
  | { type: 'staff-member'; member: StaffMemberView | null; notice: StaffNotice | null }
  | { type: 'staff-clear' };

export interface Transition {
  screen: Screen;
  accepted: boolean;
}

const CUSTOMER_SCREENS = new Set<Screen['name']>(['balance', 'rewards', 'confirm', 'done', 'survey', 'game']);
/** Screens a new card tap may interrupt (a tap while printing must not lose the voucher). */
const TAP_INTERRUPTIBLE = new Set<Screen['name']>([
  'attract', 'balance', 'rewards', 'confirm', 'done', 'survey', 'game', 'unknown-card', 'blocked-card', 'card-removed',
  'reader-trouble', 'printer-trouble', 'error', 'staff-pin', 'staff-locked',
]);

const refuse = (screen: Screen): Transition => ({ screen, accepted: false });
const go = (screen: Screen): Transition => ({ screen, accepted: true });

export function transition(screen: Screen, event: SessionEvent): Transition {
  switch (event.type) {
    case 'card-read':
      return TAP_INTERRUPTIBLE.has(screen.name) ? go({ name: 'looking-up' }) : refuse(screen);
    case 'member-found':
      return screen.name === 'looking-up' ? go({ name: 'balance', member: event.member, rewards: event.rewards }) : refuse(screen);
    case 'card-unknown':
      return screen.name === 'looking-up' ? go({ name: 'unknown-card' }) : refuse(screen);
    case 'card-blocked':
      return screen.name === 'looking-up' ? go({ name: 'blocked-card' }) : refuse(screen);
    case 'lookup-failed':
      return screen.name === 'looking-up' ? go({ name: 'error', code: event.code }) : refuse(screen);
    case 'card-removed':
      // A contactless card is lifted right after the tap: that only matters while reading
      // (or when the reader reports that the card left mid-read).
      return screen.name === 'looking-up' || screen.name === 'attract' || screen.name === 'reader-trouble' || screen.name === 'card-removed'
        ? go({ name: 'card-removed' })
        : refuse(screen);
    case 'reader-problem':
      return screen.name === 'attract' || screen.name === 'looking-up' || screen.name === 'reader-trouble'
        ? go({ name: 'reader-trouble', code: event.code })
        : refuse(screen);
    case 'show-rewards':
      return screen.name === 'balance' ? go({ name: 'rewards', member: screen.member, rewards: screen.rewards }) : refuse(screen);
    case 'start-survey':
      return screen.name === 'balance' && screen.member.engagement.surveyDue
        ? go({ name: 'survey', member: screen.member, rewards: screen.rewards })
        : refuse(screen);
    case 'survey-done':
      return screen.name === 'survey'
        ? go({ name: 'balance', member: event.member, rewards: event.rewards, notice: { code: 'survey-thanks', points: event.points } })
        : refuse(screen);
    case 'game-played':
      return screen.name === 'balance' ? go({ name: 'game', member: event.member, rewards: event.rewards, outcome: event.outcome }) : refuse(screen);
    case 'select-reward': {
      if (screen.name !== 'balance' && screen.name !== 'rewards') return refuse(screen);
      const reward = screen.rewards.find((candidate) => candidate.rewardId === event.rewardId);
      if (!reward || !reward.affordable) return refuse(screen);
      return go({ name: 'confirm', member: screen.member, reward, rewards: screen.rewards });
    }
    case 'back':
      if (screen.name === 'confirm') return go({ name: 'rewards', member: screen.member, rewards: screen.rewards });
      if (screen.name === 'rewards' || screen.name === 'survey' || screen.name === 'game') return go({ name: 'balance', member: screen.member, rewards: screen.rewards });
      return refuse(screen);
    case 'confirm':
      return screen.name === 'confirm' ? go({ name: 'printing', member: screen.member, reward: screen.reward }) : refuse(screen);
    case 'voucher-issued':
      if (screen.name !== 'printing') return refuse(screen);
      return event.voucher.print === 'printed'
        ? go({ name: 'done', member: event.member, reward: screen.reward, voucher: event.voucher })
        : go({ name: 'printer-trouble', voucher: event.voucher });
    case 'redeem-failed':
      return screen.name === 'printing' ? go({ name: 'error', code: event.code }) : refuse(screen);
    case 'end':
      return screen.name === 'looking-up' || screen.name === 'printing' ? refuse(screen) : go({ name: 'attract' });
    case 'timeout':
      return screen.name === 'attract' ? refuse(screen) : go({ name: 'attract' });
    case 'staff-card':
      return TAP_INTERRUPTIBLE.has(screen.name) || screen.name === 'looking-up'
        ? go({ name: 'staff-pin', staffName: event.staffName, attemptsLeft: event.attemptsLeft })
        : refuse(screen);
    case 'staff-pin-wrong':
      return screen.name === 'staff-pin' ? go({ ...screen, attemptsLeft: event.attemptsLeft }) : refuse(screen);
    case 'staff-locked':
      return screen.name === 'staff-pin' || screen.name === 'looking-up' || TAP_INTERRUPTIBLE.has(screen.name)
        ? go({ name: 'staff-locked', untilMs: event.untilMs })
        : refuse(screen);
    case 'staff-in':
      return screen.name === 'staff-pin' ? go({ name: 'staff', staff: event.staff, card: null, member: null, notice: null }) : refuse(screen);
    case 'staff-card-captured':
      return screen.name === 'staff' ? go({ ...screen, card: event.card, member: event.card.member ?? screen.member, notice: null }) : refuse(screen);
    case 'staff-member':
      return screen.name === 'staff' ? go({ ...screen, member: event.member, notice: event.notice }) : refuse(screen);
    case 'staff-clear':
      return screen.name === 'staff' ? go({ ...screen, card: null, member: null, notice: null }) : refuse(screen);
  }
}

/** Whether the screen shows personal data (it must be cleared on idle). */
export function showsPersonalData(screen: Screen): boolean {
  return CUSTOMER_SCREENS.has(screen.name) || screen.name === 'printing' || screen.name === 'staff';
}

export interface IdlePolicy {
  customerSeconds: number;
}

/**
 * How long a screen may stay without a touch before it returns to the attract screen; null
 * for screens that wait for something else (the attract screen; reading and printing, which
 * have their own limits in the runtime).
 */
export function idleSecondsFor(screen: Screen, policy: IdlePolicy): number | null {
  switch (screen.name) {
    case 'attract':
    case 'looking-up':
    case 'printing':
      return null;
    case 'balance':
    case 'rewards':
    case 'confirm':
    case 'done':
    case 'game':
      return policy.customerSeconds;
    case 'survey':
      // Answering takes longer than reading a balance.
      return Math.max(30, policy.customerSeconds);
    case 'staff':
      return Math.max(120, policy.customerSeconds);
    case 'staff-pin':
      return Math.max(30, policy.customerSeconds);
    default:
      return Math.min(10, policy.customerSeconds);
  }
}
