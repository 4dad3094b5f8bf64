import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../firmware/src/kiosk/protocol.js';
import { addStaff } from '../../firmware/src/kiosk/staff/admin.js';
import { MAX_PIN_ATTEMPTS } from '../../firmware/src/kiosk/staff/gate.js';
import { startTestKiosk, type TestKiosk } from './support.js';

let test: TestKiosk;
const system = { kind: 'system' as const, id: 'test' };
const STAFF_CARD = 'nfc:5A5A0099';

beforeAll(async () => {
  test = await startTestKiosk({ hardware: { printer: { driver: 'simulated', idleStatusPollMs: 100, retryInitialDelayMs: 50 }, indicator: { driver: 'simulated' } } });
  await addStaff(test.kiosk.ledger, { staffId: 'cashier-1', name: 'مریم', cardId: STAFF_CARD, pin: '2468' }, system);
});
afterAll(async () => {
  await test?.close();
});

const runtime = () => test.kiosk.runtime;
const reader = () => test.kiosk.simulated.reader!;
const screen = () => runtime().view().screen;

async function endSession() {
  if (screen().name !== 'attract') await runtime().execute(screen().name === 'staff' ? 'staff.exit' : 'session.end', {});
}

describe('the session on reader events', () => {
  it('shows the balance for a member card and signals success on the indicator', async () => {
    const member = await test.kiosk.club.createMember({ name: 'سارا محمدی', phone: '09121110001', card: 'nfc:11110001' }, system);
    await test.kiosk.club.adjustPoints(member.memberId, 320, 'test', system);
    const before = test.kiosk.simulated.indicator!.played().length;
    reader().tap('nfc:11110001');
    expect(screen()).toMatchObject({ name: 'balance', member: { firstName: 'سارا', pointsBalance: 320 } });
    expect(test.kiosk.simulated.indicator!.played().slice(before).map((entry) => entry.pattern)).toEqual(['success']);
    await endSession();
  });

  it('invites an unknown card to enrol, with the unknown-card signal', async () => {
    reader().tap('nfc:99990001');
    expect(screen().name).toBe('unknown-card');
    expect(test.kiosk.simulated.indicator!.played().at(-1)?.pattern).toBe('unknown-card');
    await endSession();
  });

  it('reports a garbage swipe as reader trouble', async () => {
    reader().swipe('%%%garbage???');
    expect(screen().name).toBe('reader-trouble');
    expect(test.kiosk.simulated.indicator!.played().at(-1)?.pattern).toBe('error');
    await endSession();
  });

  it('redeems a reward and prints the voucher on the simulated printer', async () => {
    reader().tap('nfc:11110001');
    await runtime().execute('session.showRewards', {});
    await runtime().execute('session.selectReward', { rewardId: 'free-tea' });
    const printedBefore = test.kiosk.simulated.printer!.printedJobs().length;
    const result = await runtime().execute('session.confirm', { language: 'fa' }) as { code: string; print: string };
    expect(result.print).toBe('printed');
    expect(screen()).toMatchObject({ name: 'done', voucher: { code: result.code, print: 'printed' }, member: { pointsBalance: 170 } });
    expect(test.kiosk.simulated.printer!.printedJobs().length).toBe(printedBefore + 1);
    await endSession();
  });

  it('says the printer is in trouble when the paper is out, and keeps the voucher', async () => {
    test.kiosk.simulated.printer!.setPaper('out');
    await vi.waitFor(() => expect(runtime().view().devices.printerReady).toBe(false), { timeout: 5000 });
    reader().tap('nfc:11110001');
    await runtime().execute('session.selectReward', { rewardId: 'free-tea' });
    const result = await runtime().execute('session.confirm', { language: 'en' }) as { code: string; print: string };
    expect(result.print).toBe('queued');
    expect(screen()).toMatchObject({ name: 'printer-trouble', voucher: { code: result.code } });
    test.kiosk.simulated.printer!.setPaper('ok');
    await endSession();
  });
});

describe('survey and daily game', () => {
  it('pays the survey once per period and lets the member play once a day', async () => {
    reader().tap('nfc:11110001');
    const before = (screen() as { member: { pointsBalance: number } }).member.pointsBalance;
    await runtime().execute('session.startSurvey', {});
    expect(screen().name).toBe('survey');
    // No wording configured: the screen uses its built-in questions.
    expect((screen() as { member: { engagement: object } }).member.engagement).not.toHaveProperty('surveyQuestions');
    expect(await runtime().execute('session.submitSurvey', { csat: 5, nps: 9 })).toEqual({ points: 20 });
    expect(screen()).toMatchObject({ name: 'balance', notice: { points: 20 }, member: { pointsBalance: before + 20, engagement: { surveyDue: false } } });
    await expect(runtime().execute('session.startSurvey', {})).rejects.toMatchObject({ code: 'NOT_IN_SESSION' });
    const outcome = await runtime().execute('session.playGame', {}) as { points: number };
    expect(screen()).toMatchObject({ name: 'game', outcome, member: { engagement: { gameToday: false } } });
    await runtime().execute('session.back', {});
    await expect(runtime().execute('session.playGame', {})).rejects.toMatchObject({ code: 'NOT_IN_SESSION' });
    await endSession();
  });
});

describe('the WebSocket protocol', () => {
  it('sends a snapshot without personal data, then deltas, and answers requests by id', async () => {
    const messages: ServerMessage[] = [];
    const socket = await test.kiosk.app.injectWS('/ws', {}, {
      onInit: (ws) => ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as ServerMessage)),
    });
    await vi.waitFor(() => expect(messages.length).toBeGreaterThan(0));
    const snapshot = messages[0]!;
    expect(snapshot).toMatchObject({ type: 'snapshot', view: { screen: { name: 'attract' }, idle: null } });
    expect(JSON.stringify(snapshot)).not.toMatch(/سارا|0912/);

    reader().tap('nfc:11110001');
    await vi.waitFor(() => expect(messages.some((message) => message.type === 'delta' && message.changes.screen?.name === 'balance')).toBe(true));
    const seqs = messages.filter((message) => message.type === 'delta').map((message) => (message as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, index) => (snapshot as { seq: number }).seq + index + 1));

    socket.send(JSON.stringify({ type: 'request', id: 41, command: 'session.selectReward', payload: { rewardId: 'no-such-reward' } }));
    socket.send(JSON.stringify({ type: 'request', id: 42, command: 'session.end', payload: {} }));
    await vi.waitFor(() => expect(messages.filter((message) => message.type === 'reply')).toHaveLength(2));
    const replies = messages.filter((message) => message.type === 'reply');
    expect(replies.find((reply) => reply.id === 41)).toMatchObject({ status: 'error', error: { code: 'NOT_IN_SESSION' } });
    expect(replies.find((reply) => reply.id === 42)).toMatchObject({ status: 'ok' });
    await vi.waitFor(() => expect(messages.some((message) => message.type === 'delta' && message.changes.screen?.name === 'attract')).toBe(true));
    socket.terminate();
  });
});

describe('staff mode', () => {
  it('signs in with card and PIN, enrols a card, records a purchase, adjusts points, replaces a card — all audited', async () => {
    reader().tap(STAFF_CARD);
    expect(screen()).toMatchObject({ name: 'staff-pin', staffName: 'مریم' });
    await runtime().execute('staff.pin', { pin: '2468' });
    expect(screen()).toMatchObject({ name: 'staff', staff: { staffId: 'cashier-1' } });

    reader().tap('nfc:22220001');
    expect(screen()).toMatchObject({ name: 'staff', card: { cardId: 'nfc:22220001', status: 'new' } });
    const { memberId } = await runtime().execute('staff.enrol', { name: 'رضا كاظمي', phone: '۰۹۱۲۲۲۲۰۰۰۱', birthday: '1991-03-21', smsConsent: true }) as { memberId: string };
    expect(screen()).toMatchObject({ name: 'staff', notice: { code: 'enrolled' }, member: { name: 'رضا کاظمی', phone: '09122220001' } });

    const purchase = await runtime().execute('staff.purchase', { memberId, amountRial: 2_000_000 }) as { pointsEarned: number };
    expect(purchase.pointsEarned).toBe(20);
    expect(await runtime().execute('staff.adjust', { memberId, points: 75, reason: 'هدیه مدیر' })).toEqual({ balance: 75 });

    reader().tap('nfc:22220002');
    await runtime().execute('staff.replaceCard', { lostCardId: 'nfc:22220001' });
    expect(test.kiosk.club.lookupCard('nfc:22220001')).toEqual({ kind: 'blocked' });
    expect(test.kiosk.club.lookupCard('nfc:22220002')).toEqual({ kind: 'member', memberId });
    await runtime().execute('staff.exit', {});
    expect(screen().name).toBe('attract');

    const actions = test.kiosk.audit.latest(20).filter((entry) => entry.actor.kind === 'staff' && entry.actor.id === 'cashier-1').map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['staff.sign-in', 'member.create', 'purchase.record', 'points.adjust', 'card.replace']));
    // The journal records who did it, too.
    const records = await test.kiosk.ledger.readRecords(0, 10_000);
    expect(records.filter((entry) => entry.record.actor.id === 'cashier-1').length).toBeGreaterThanOrEqual(4);
  });

  it('links a new card to a member found by mobile, and refuses cards that are not new', async () => {
    reader().tap(STAFF_CARD);
    await runtime().execute('staff.pin', { pin: '2468' });
    await expect(runtime().execute('staff.enrol', { name: 'بی کارت', phone: '09123330000', smsConsent: false })).rejects.toMatchObject({ code: 'NOT_IN_SESSION' });
    await expect(runtime().execute('staff.findByPhone', { phone: '0912' })).rejects.toMatchObject({ code: 'INVALID_PHONE' });
    await expect(runtime().execute('staff.findByPhone', { phone: '09127777777' })).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    expect(screen()).toMatchObject({ name: 'staff', notice: { code: 'not-found' } });
    const { memberId } = await runtime().execute('staff.findByPhone', { phone: '+98 912 111 0001' }) as { memberId: string };
    reader().tap('nfc:11110001');
    expect(screen()).toMatchObject({ name: 'staff', card: { status: 'member' } });
    await expect(runtime().execute('staff.linkCard', { memberId })).rejects.toMatchObject({ code: 'CARD_IN_USE' });
    reader().tap('nfc:33330001');
    await runtime().execute('staff.linkCard', { memberId });
    expect(screen()).toMatchObject({ name: 'staff', notice: { code: 'linked' }, card: { status: 'member' } });
    expect(test.kiosk.club.lookupCard('nfc:33330001')).toEqual({ kind: 'member', memberId });
    await endSession();
  });

  it('refuses staff commands outside staff mode', async () => {
    await expect(runtime().execute('staff.adjust', { memberId: 'm_x', points: 5, reason: 'nope' })).rejects.toMatchObject({ code: 'NOT_IN_SESSION' });
  });

  it('locks the staff member after five wrong PINs, across a restart of the gate', async () => {
    reader().tap(STAFF_CARD);
    for (let attempt = 1; attempt < MAX_PIN_ATTEMPTS; attempt++) {
      await expect(runtime().execute('staff.pin', { pin: '0000' })).rejects.toMatchObject({ code: 'WRONG_PIN' });
      expect(screen()).toMatchObject({ name: 'staff-pin', attemptsLeft: MAX_PIN_ATTEMPTS - attempt });
    }
    await expect(runtime().execute('staff.pin', { pin: '0000' })).rejects.toMatchObject({ code: 'STAFF_LOCKED' });
    expect(screen().name).toBe('staff-locked');
    // Even the right PIN is refused now: the card goes straight to the locked screen.
    reader().tap(STAFF_CARD);
    expect(screen().name).toBe('staff-locked');
    expect(test.kiosk.audit.latest(10).map((entry) => entry.action)).toContain('staff.locked');
    await endSession();
    test.clock.advance(16 * 60 * 1000);
    reader().tap(STAFF_CARD);
    expect(screen().name).toBe('staff-pin');
    await runtime().execute('staff.pin', { pin: '2468' });
    expect(screen().name).toBe('staff');
    await endSession();
  });
});
