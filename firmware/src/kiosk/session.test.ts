import { describe, expect, it } from 'vitest';
import type { MemberView, RewardView, Screen } from './protocol.js';
import { idleSecondsFor, showsPersonalData, transition, type SessionEvent } from './session.js';

const member: MemberView = {
  memberId: 'm_1', firstName: 'سارا', maskedPhone: '•••••••0001', pointsBalance: 300, pendingPoints: 0,
  tier: { id: 'bronze', name: { fa: 'برنزی', en: 'Bronze' } }, nextTier: null, nextExpiry: null,
  engagement: { surveyDue: true, surveyPoints: 20, gameToday: true },
};
const rewards: RewardView[] = [
  { rewardId: 'tea', title: { fa: 'چای', en: 'Tea' }, costPoints: 150, affordable: true },
  { rewardId: 'mug', title: { fa: 'ماگ', en: 'Mug' }, costPoints: 400, affordable: false },
];

function run(events: SessionEvent[], start: Screen = { name: 'attract' }): Screen {
  return events.reduce((screen, event) => transition(screen, event).screen, start);
}

describe('the customer flow', () => {
  it('goes attract → balance → rewards → confirm → printing → done', () => {
    const steps: SessionEvent[] = [
      { type: 'card-read' }, { type: 'member-found', member, rewards }, { type: 'show-rewards' },
      { type: 'select-reward', rewardId: 'tea' }, { type: 'confirm' },
      { type: 'voucher-issued', member: { ...member, pointsBalance: 150 }, voucher: { code: 'ABCD-EFGH-JKM', expiresAtMs: 1, print: 'printed' } },
    ];
    const names: string[] = [];
    let screen: Screen = { name: 'attract' };
    for (const event of steps) {
      const next = transition(screen, event);
      expect(next.accepted).toBe(true);
      screen = next.screen;
      names.push(screen.name);
    }
    expect(names).toEqual(['looking-up', 'balance', 'rewards', 'confirm', 'printing', 'done']);
  });
  it('sends a queued voucher to the printer-trouble screen with its code', () => {
    const screen = run([{ type: 'card-read' }, { type: 'member-found', member, rewards }, { type: 'select-reward', rewardId: 'tea' }, { type: 'confirm' },
      { type: 'voucher-issued', member, voucher: { code: 'X', expiresAtMs: 1, print: 'queued' } }]);
    expect(screen).toEqual({ name: 'printer-trouble', voucher: { code: 'X', expiresAtMs: 1, print: 'queued' } });
  });
  it('refuses rewards the member cannot afford or that do not exist', () => {
    const balance = run([{ type: 'card-read' }, { type: 'member-found', member, rewards }]);
    expect(transition(balance, { type: 'select-reward', rewardId: 'mug' }).accepted).toBe(false);
    expect(transition(balance, { type: 'select-reward', rewardId: 'nope' }).accepted).toBe(false);
  });
  it('goes back from confirm to the same reward list', () => {
    const screen = run([{ type: 'card-read' }, { type: 'member-found', member, rewards }, { type: 'select-reward', rewardId: 'tea' }, { type: 'back' }]);
    expect(screen).toMatchObject({ name: 'rewards', rewards });
  });
  it('shows unknown, blocked, removed and reader trouble screens', () => {
    expect(run([{ type: 'card-read' }, { type: 'card-unknown' }]).name).toBe('unknown-card');
    expect(run([{ type: 'card-read' }, { type: 'card-blocked' }]).name).toBe('blocked-card');
    expect(run([{ type: 'card-read' }, { type: 'card-removed' }]).name).toBe('card-removed');
    expect(run([{ type: 'reader-problem', code: 'UNREADABLE_SWIPE' }])).toEqual({ name: 'reader-trouble', code: 'UNREADABLE_SWIPE' });
  });
  it('does not let a tap or a timeout interrupt printing', () => {
    const printing = run([{ type: 'card-read' }, { type: 'member-found', member, rewards }, { type: 'select-reward', rewardId: 'tea' }, { type: 'confirm' }]);
    expect(transition(printing, { type: 'card-read' }).accepted).toBe(false);
    expect(transition(printing, { type: 'end' }).accepted).toBe(false);
    expect(transition(printing, { type: 'staff-card', staffName: 'x', attemptsLeft: 5 }).accepted).toBe(false);
  });
  it('clears personal data on timeout', () => {
    const balance = run([{ type: 'card-read' }, { type: 'member-found', member, rewards }]);
    expect(showsPersonalData(balance)).toBe(true);
    const after = transition(balance, { type: 'timeout' }).screen;
    expect(after).toEqual({ name: 'attract' });
    expect(showsPersonalData(after)).toBe(false);
    expect(JSON.stringify(after)).not.toContain('سارا');
  });
  it('ignores late replies once the screen has moved on', () => {
    expect(transition({ name: 'attract' }, { type: 'member-found', member, rewards }).accepted).toBe(false);
    expect(transition({ name: 'attract' }, { type: 'voucher-issued', member, voucher: { code: 'X', expiresAtMs: 1, print: 'printed' } }).accepted).toBe(false);
  });
});

describe('survey and game', () => {
  it('goes balance → survey → balance with thanks, and balance → game → balance', () => {
    const balance = run([{ type: 'card-read' }, { type: 'member-found', member, rewards }]);
    const survey = transition(balance, { type: 'start-survey' });
    expect(survey.screen.name).toBe('survey');
    const after = { ...member, pointsBalance: 320, engagement: { ...member.engagement, surveyDue: false } };
    const thanked = transition(survey.screen, { type: 'survey-done', member: after, rewards, points: 20 }).screen;
    expect(thanked).toMatchObject({ name: 'balance', member: { pointsBalance: 320 }, notice: { code: 'survey-thanks', points: 20 } });
    expect(transition(thanked, { type: 'start-survey' }).accepted).toBe(false);
    const game = transition(thanked, { type: 'game-played', member: after, rewards, outcome: { label: '۲۰ امتیاز', points: 20, withheld: false } }).screen;
    expect(game.name).toBe('game');
    expect(transition(game, { type: 'back' }).screen.name).toBe('balance');
  });
});

describe('staff mode', () => {
  it('needs the PIN screen before staff mode', () => {
    const staff = { staffId: 's1', name: 'Ali' };
    expect(transition({ name: 'attract' }, { type: 'staff-in', staff }).accepted).toBe(false);
    const screen = run([{ type: 'staff-card', staffName: 'Ali', attemptsLeft: 5 }, { type: 'staff-pin-wrong', attemptsLeft: 4 }, { type: 'staff-in', staff }]);
    expect(screen).toMatchObject({ name: 'staff', staff, card: null });
  });
  it('captures cards only in staff mode', () => {
    const card = { cardId: 'nfc:01', status: 'new' as const };
    expect(transition({ name: 'attract' }, { type: 'staff-card-captured', card }).accepted).toBe(false);
    const screen = run([{ type: 'staff-card', staffName: 'Ali', attemptsLeft: 5 }, { type: 'staff-in', staff: { staffId: 's1', name: 'Ali' } }, { type: 'staff-card-captured', card }]);
    expect(screen).toMatchObject({ name: 'staff', card });
  });
});

describe('idle limits', () => {
  it('times customer screens with the configured limit and leaves the attract screen alone', () => {
    const policy = { customerSeconds: 20 };
    expect(idleSecondsFor({ name: 'attract' }, policy)).toBeNull();
    expect(idleSecondsFor({ name: 'balance', member, rewards }, policy)).toBe(20);
    expect(idleSecondsFor({ name: 'unknown-card' }, policy)).toBe(10);
    expect(idleSecondsFor({ name: 'staff-pin', staffName: 'x', attemptsLeft: 5 }, policy)).toBe(30);
  });
});
