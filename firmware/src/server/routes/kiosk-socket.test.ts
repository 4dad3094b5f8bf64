import { describe, expect, it } from 'vitest';
import { isLoopback, parseRequest, sameOrigin } from './kiosk-socket.js';

describe('parseRequest', () => {
  it('accepts a known command with a valid payload', () => {
    expect(parseRequest(JSON.stringify({ type: 'request', id: 7, command: 'session.selectReward', payload: { rewardId: 'tea' } })))
      .toEqual({ id: 7, command: 'session.selectReward', payload: { rewardId: 'tea' } });
  });
  it.each([
    ['not json', null, 'BAD_REQUEST'],
    [JSON.stringify({ type: 'request', id: 1, command: 'session.explode' }), 1, 'BAD_REQUEST'],
    [JSON.stringify({ type: 'request', id: 2, command: 'staff.pin', payload: { pin: '12' } }), 2, 'VALIDATION_FAILED'],
    [JSON.stringify({ type: 'request', id: 3, command: 'staff.pin', payload: { pin: '1234', extra: 1 } }), 3, 'VALIDATION_FAILED'],
    [JSON.stringify({ type: 'request', command: 'session.end' }), null, 'VALIDATION_FAILED'],
    [JSON.stringify({ type: 'request', id: 4, command: 'staff.purchase', payload: { memberId: 'm_1', amountRial: '100' } }), 4, 'VALIDATION_FAILED'],
  ])('refuses %s', (raw, id, code) => {
    const parsed = parseRequest(raw);
    expect(parsed.id).toBe(id);
    expect(parsed.error?.code).toBe(code);
  });
});

describe('sameOrigin', () => {
  it('accepts the kiosk page and clients without an Origin, refuses other pages', () => {
    expect(sameOrigin('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(sameOrigin(undefined, '127.0.0.1:8080')).toBe(true);
    expect(sameOrigin('http://evil.example', '127.0.0.1:8080')).toBe(false);
    expect(sameOrigin('null', '127.0.0.1:8080')).toBe(false);
  });
});

describe('isLoopback', () => {
  it('lets only this machine watch the screen', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.1.1']) expect(isLoopback(address)).toBe(true);
    for (const address of ['192.168.1.20', '10.0.0.5', '::ffff:192.168.1.20', 'fe80::1']) expect(isLoopback(address)).toBe(false);
  });
});
