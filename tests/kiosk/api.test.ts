import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestKiosk, type TestKiosk } from './support.js';

let test: TestKiosk;
const inject = (options: Parameters<TestKiosk['kiosk']['app']['inject']>[0]) => test.kiosk.app.inject(options);
const system = { kind: 'system' as const, id: 'test' };

beforeAll(async () => {
  test = await startTestKiosk();
});
afterAll(async () => {
  await test?.close();
});

async function enrol(phone: string, card?: string) {
  const response = await inject({ method: 'POST', url: '/api/v1/members', headers: auth('pos'), payload: { name: 'علي كريمي', phone, ...(card && { card }) } });
  expect(response.statusCode).toBe(201);
  return response.json() as { memberId: string };
}

describe('authorisation', () => {
  it('refuses a request without a token with 401', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/members?phone=09120000000' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });
  it('refuses an unknown token and a malformed header with 401', async () => {
    for (const authorization of ['Bearer not-a-known-token-at-all', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await inject({ method: 'GET', url: '/api/v1/members?phone=09120000000', headers: { authorization } });
      expect(response.statusCode).toBe(401);
    }
  });
  it('refuses a token of the wrong role with 403', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/members?phone=09120000000', headers: auth('technician') });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
  });
  it('lets staff tokens use the POS API', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/members?phone=09120000000', headers: auth('staff') });
    expect(response.statusCode).toBe(404);
  });
});

describe('POST /api/v1/members', () => {
  it('enrols with Persian digits in the phone and folds Arabic letters in the name', async () => {
    const response = await inject({ method: 'POST', url: '/api/v1/members', headers: auth('pos'), payload: { name: 'علي كريمي', phone: '۰۹۱۲۱۱۱۲۲۳۳', birthday: '1990-04-01', card: 'nfc:0102030405' } });
    expect(response.statusCode).toBe(201);
    const member = response.json();
    expect(member).toMatchObject({ name: 'علی کریمی', phone: '09121112233', birthday: '1990-04-01', pointsBalance: 0, cards: [{ cardId: 'nfc:0102030405', status: 'active' }] });
    expect(member.memberId).toMatch(/^m_/);
    expect(member.tier.id).toBe('bronze');
  });
  it.each([
    [{ name: 'X Y', phone: '02188776655' }, 'INVALID_PHONE', /phone/],
    [{ name: 'X Y', phone: '09121234567', nickname: 'z' }, 'VALIDATION_FAILED', /body\.nickname is not a known field/],
    [{ phone: '09121234567' }, 'VALIDATION_FAILED', /body\.name is required/],
    [{ name: 'X Y', phone: '09121234567', birthday: '1990/04/01' }, 'VALIDATION_FAILED', /body\.birthday/],
    [{ name: 'X Y', phone: 9121234567 }, 'VALIDATION_FAILED', /body\.phone must be string/],
    [{ name: 'X Y', phone: '09121234567', card: 'not a card' }, 'VALIDATION_FAILED', /body\.card/],
  ])('rejects %j with 400 naming the field', async (payload, code, message) => {
    const response = await inject({ method: 'POST', url: '/api/v1/members', headers: auth('pos'), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(response.json().error.message).toMatch(message);
  });
  it('rejects a body that is not JSON', async () => {
    const response = await inject({ method: 'POST', url: '/api/v1/members', headers: { ...auth('pos'), 'content-type': 'application/json' }, payload: '{"name":' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('BAD_REQUEST');
  });
  it('refuses a phone or card that is already taken with 409', async () => {
    await enrol('09125550001', 'nfc:AA00000001');
    const samePhone = await inject({ method: 'POST', url: '/api/v1/members', headers: auth('pos'), payload: { name: 'دیگری', phone: '+98 912 555 0001' } });
    expect(samePhone.statusCode).toBe(409);
    expect(samePhone.json().error.code).toBe('PHONE_IN_USE');
    const sameCard = await inject({ method: 'POST', url: '/api/v1/members', headers: auth('pos'), payload: { name: 'دیگری', phone: '09125550002', card: 'nfc:AA00000001' } });
    expect(sameCard.statusCode).toBe(409);
    expect(sameCard.json().error.code).toBe('CARD_IN_USE');
    // Nothing of the refused enrolment was kept.
    expect((await inject({ method: 'GET', url: '/api/v1/members?phone=09125550002', headers: auth('pos') })).statusCode).toBe(404);
  });
});

describe('GET /api/v1/members', () => {
  it('finds a member by id, by card and by phone (Arabic-Indic digits too)', async () => {
    const { memberId } = await enrol('09126660001', 'nfc:BB00000001');
    const byId = await inject({ method: 'GET', url: `/api/v1/members/${memberId}`, headers: auth('pos') });
    const byCard = await inject({ method: 'GET', url: '/api/v1/members?card=nfc:BB00000001', headers: auth('pos') });
    const byPhone = await inject({ method: 'GET', url: `/api/v1/members?phone=${encodeURIComponent('٠٩١٢٦٦٦٠٠٠١')}`, headers: auth('pos') });
    for (const response of [byId, byCard, byPhone]) {
      expect(response.statusCode).toBe(200);
      expect(response.json().memberId).toBe(memberId);
    }
  });
  it('answers 404 for unknown members, cards and phones', async () => {
    for (const url of ['/api/v1/members/m_doesnotexist', '/api/v1/members?card=nfc:FFFFFFFF', '/api/v1/members?phone=09129999999']) {
      const response = await inject({ method: 'GET', url, headers: auth('pos') });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toMatch(/NOT_FOUND$/);
    }
  });
  it('needs exactly one known query field', async () => {
    for (const url of ['/api/v1/members', '/api/v1/members?card=nfc:BB00000001&phone=09126660001', '/api/v1/members?email=a@b.c', '/api/v1/members/has%20space']) {
      const response = await inject({ method: 'GET', url, headers: auth('pos') });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('POST /api/v1/purchases', () => {
  it('earns points once per receipt: 201, then 200 with the same result', async () => {
    const { memberId } = await enrol('09127770001', 'nfc:CC00000001');
    const payload = { card: 'nfc:CC00000001', amountRial: 5_000_000, receiptId: 'R-1001' };
    const first = await inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ memberId, receiptId: 'R-1001', amountRial: 5_000_000, pointsEarned: 50, tier: { id: 'bronze' } });
    const again = await inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload: { memberId, amountRial: 5_000_000, receiptId: 'R-1001' } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const reused = await inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload: { ...payload, amountRial: 6_000_000 } });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('RECEIPT_CONFLICT');
  });
  it('never double-counts concurrent requests with one receiptId', async () => {
    const { memberId } = await enrol('09127770002');
    const payload = { phone: '09127770002', amountRial: 3_000_000, receiptId: 'R-RACE' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload })));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(19);
    const bodies = new Set(responses.map((response) => response.body));
    expect(bodies.size).toBe(1);
    // Exactly one purchase's points are pending for the member.
    expect(test.kiosk.ledger.balance(`member:${memberId}:pending`)).toBe(30 + 50); // 30 earned + first-purchase bonus
  });
  it.each([
    [{ amountRial: 1000, receiptId: 'R-X' }, /exactly one of card, memberId, phone/],
    [{ card: 'nfc:CC00000001', phone: '09127770001', amountRial: 1000, receiptId: 'R-X' }, /exactly one/],
    [{ card: 'nfc:CC00000001', amountRial: '1000', receiptId: 'R-X' }, /body\.amountRial must be integer/],
    [{ card: 'nfc:CC00000001', amountRial: -5, receiptId: 'R-X' }, /body\.amountRial must be >= 1/],
    [{ card: 'nfc:CC00000001', amountRial: 10.5, receiptId: 'R-X' }, /body\.amountRial must be integer/],
    [{ card: 'nfc:CC00000001', amountRial: 1000 }, /body\.receiptId is required/],
    [{ card: 'nfc:CC00000001', amountRial: 1000, receiptId: 'has space' }, /body\.receiptId must match/],
  ])('rejects %j with 400', async (payload, message) => {
    const response = await inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(message);
  });
  it('answers 404 for an unknown card and 409 for a blocked one', async () => {
    const unknown = await inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload: { card: 'nfc:DEADBEEF', amountRial: 1000, receiptId: 'R-U' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CARD_NOT_FOUND');
    const { memberId } = await enrol('09127770003', 'nfc:CC00000003');
    await test.kiosk.club.replaceCard('nfc:CC00000003', 'nfc:CC00000004', system);
    const blocked = await inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload: { card: 'nfc:CC00000003', amountRial: 1000, receiptId: 'R-B' } });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.code).toBe('CARD_BLOCKED');
    const viaNewCard = await inject({ method: 'GET', url: '/api/v1/members?card=nfc:CC00000004', headers: auth('pos') });
    expect(viaNewCard.json().memberId).toBe(memberId);
  });
});

describe('POST /api/v1/purchases/{receiptId}/void', () => {
  it('takes the points back out, and voiding again is harmless', async () => {
    const { memberId } = await enrol('09128880001');
    await inject({ method: 'POST', url: '/api/v1/purchases', headers: auth('pos'), payload: { memberId, amountRial: 9_000_000, receiptId: 'R-V1' } });
    expect(test.kiosk.ledger.balance(`member:${memberId}:pending`)).toBe(90 + 50);
    const voided = await inject({ method: 'POST', url: '/api/v1/purchases/R-V1/void', headers: auth('pos') });
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toMatchObject({ receiptId: 'R-V1', memberId, pointsReversed: 140 });
    expect(test.kiosk.ledger.balance(`member:${memberId}:pending`)).toBe(0);
    const again = await inject({ method: 'POST', url: '/api/v1/purchases/R-V1/void', headers: auth('pos') });
    expect(again.statusCode).toBe(200);
    expect(test.kiosk.ledger.balance(`member:${memberId}:pending`)).toBe(0);
  });
  it('answers 404 for an unknown receipt and 400 for a malformed one', async () => {
    expect((await inject({ method: 'POST', url: '/api/v1/purchases/R-NONE/void', headers: auth('pos') })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: '/api/v1/purchases/bad%20id/void', headers: auth('pos') })).statusCode).toBe(400);
    expect((await inject({ method: 'POST', url: '/api/v1/purchases/R-NONE/void' })).statusCode).toBe(401);
  });
});

describe('vouchers', () => {
  async function issueVoucher(phone: string) {
    const { memberId } = await enrol(phone);
    await test.kiosk.club.adjustPoints(memberId, 1000, 'test points', system);
    return test.kiosk.club.redeemReward(memberId, 'discount-10', `test-${phone}`, system);
  }

  it('shows a voucher, redeems it once, and tells used, unknown and forged codes apart', async () => {
    const issued = await issueVoucher('09129990001');
    const code = encodeURIComponent(issued.code);
    const state = await inject({ method: 'GET', url: `/api/v1/vouchers/${code}`, headers: auth('pos') });
    expect(state.statusCode).toBe(200);
    expect(state.json()).toMatchObject({ state: 'active', rewardId: 'discount-10' });
    const byPayload = await inject({ method: 'GET', url: `/api/v1/vouchers/${issued.qrPayload}`, headers: auth('pos') });
    expect(byPayload.json().code).toBe(state.json().code);

    const redeemed = await inject({ method: 'POST', url: '/api/v1/vouchers/redeem', headers: auth('pos'), payload: { code: issued.code, receiptId: 'R-VOU-1' } });
    expect(redeemed.statusCode).toBe(200);
    expect(redeemed.json()).toMatchObject({ state: 'redeemed', redeemedReceiptId: 'R-VOU-1' });
    const retry = await inject({ method: 'POST', url: '/api/v1/vouchers/redeem', headers: auth('pos'), payload: { code: issued.code, receiptId: 'R-VOU-1' } });
    expect(retry.statusCode).toBe(200);
    const twice = await inject({ method: 'POST', url: '/api/v1/vouchers/redeem', headers: auth('pos'), payload: { code: issued.code, receiptId: 'R-VOU-2' } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('VOUCHER_REDEEMED');

    const body = issued.code.replace(/-/g, '');
    const wrongCheck = body.slice(0, -1) + (body.endsWith('0') ? '1' : '0');
    const forgedPayload = issued.qrPayload.slice(0, -3) + (issued.qrPayload.endsWith('AAA') ? 'BBB' : 'AAA');
    for (const candidate of [wrongCheck, forgedPayload, '0000000000X']) {
      const get = await inject({ method: 'GET', url: `/api/v1/vouchers/${candidate}`, headers: auth('pos') });
      expect(get.statusCode).toBe(404);
      const redeem = await inject({ method: 'POST', url: '/api/v1/vouchers/redeem', headers: auth('pos'), payload: { code: candidate, receiptId: 'R-VOU-3' } });
      expect(redeem.statusCode).toBe(404);
      expect(redeem.json().error.code).toBe('VOUCHER_NOT_FOUND');
    }
  });

  it('lets exactly one of many concurrent redemptions win', async () => {
    const issued = await issueVoucher('09129990002');
    const responses = await Promise.all(Array.from({ length: 25 }, (_, index) =>
      inject({ method: 'POST', url: '/api/v1/vouchers/redeem', headers: auth('pos'), payload: { code: issued.code, receiptId: `R-RACE-${index}` } })));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(24);
  });

  it('answers 410 for an expired voucher', async () => {
    const issued = await issueVoucher('09129990003');
    test.clock.advance(31 * 24 * 3600 * 1000);
    const state = await inject({ method: 'GET', url: `/api/v1/vouchers/${encodeURIComponent(issued.code)}`, headers: auth('pos') });
    expect(state.json().state).toBe('expired');
    const redeem = await inject({ method: 'POST', url: '/api/v1/vouchers/redeem', headers: auth('pos'), payload: { code: issued.code, receiptId: 'R-EXP' } });
    expect(redeem.statusCode).toBe(410);
    expect(redeem.json().error.code).toBe('VOUCHER_EXPIRED');
  });

  it('rejects malformed redeem bodies', async () => {
    const response = await inject({ method: 'POST', url: '/api/v1/vouchers/redeem', headers: auth('pos'), payload: { code: 'ABCD-EFGH', receiptId: 'R-1', extra: true } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/body\.extra/);
  });
});

describe('service endpoints', () => {
  it('serves an OpenAPI document generated from the route schemas', async () => {
    const response = await inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/api/v1/control/')).sort()).toEqual([
      '/api/v1/members', '/api/v1/members/{memberId}', '/api/v1/purchases', '/api/v1/purchases/{receiptId}/void',
      '/api/v1/vouchers/redeem', '/api/v1/vouchers/{code}', '/healthz',
    ]);
    expect(document.paths['/api/v1/vouchers/redeem'].post.responses).toHaveProperty('410');
    expect(document.paths['/api/v1/purchases'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('amountRial');
  });
  it('reports readers, printer, journal, sync and disk on /healthz', async () => {
    const response = await inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json().checks).sort()).toEqual(['disk', 'journal', 'printer', 'readers', 'sync']);
    expect(response.json().checks.readers.state).toBe('ok');
  });
  it('answers unknown routes with the error shape', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
  it('lets only a technician drive the simulated devices', async () => {
    const payload = { action: 'tap', card: 'nfc:0A0B0C0D' };
    expect((await inject({ method: 'POST', url: '/api/v1/control/simulate', headers: auth('pos'), payload })).statusCode).toBe(403);
    const done = await inject({ method: 'POST', url: '/api/v1/control/simulate', headers: auth('technician'), payload });
    expect(done.statusCode).toBe(200);
    expect(test.kiosk.runtime.view().screen.name).toBe('unknown-card');
  });
});

describe('sync', () => {
  it('keeps serving when sync is enabled but the device has no key yet, and says so on /healthz', async () => {
    const other = await startTestKiosk({ sync: { enabled: true } });
    try {
      const response = await other.kiosk.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'degraded', checks: { sync: { state: 'degraded', detail: expect.stringMatching(/sync could not start/) } } });
      const enrol = await other.kiosk.app.inject({ method: 'POST', url: '/api/v1/members', headers: auth('pos'), payload: { name: 'آفلاین', phone: '09121212121' } });
      expect(enrol.statusCode).toBe(201);
    } finally {
      await other.close();
    }
  });
});
