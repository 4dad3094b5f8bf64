import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../firmware/src/config/load.js';
import { composeKiosk } from '../../firmware/src/kiosk/compose.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { memberAccount } from '../../firmware/src/ledger/types.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { TOKENS, auth } from './support.js';

/** Bonuses that fall due while nobody taps are given when the kiosk (re)starts. */
describe('kiosk maintenance', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('gives a birthday bonus on the member’s birthday after the kiosk was off, once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bashgah-maintenance-'));
    dirs.push(dataDir);
    const config = parseConfig({
      tokens: [{ name: 'till-1', token: TOKENS.pos, role: 'pos' }],
      hardware: { printer: { driver: 'none' }, indicator: { driver: 'simulated' } },
    });
    const logger = createLogger({ level: 'silent' });
    // Enrolled in June; the kiosk is then off until the member's birthday in September.
    const clock = new ManualClock(Date.UTC(2026, 5, 10, 9, 0));
    let kiosk = await composeKiosk({ config, dataDir, logger, clock });
    const created = await kiosk.app.inject({ method: 'POST', url: '/api/v1/members', headers: auth('pos'), payload: { name: 'مریم احمدی', phone: '09125550000', birthday: '1995-09-14' } });
    expect(created.statusCode).toBe(201);
    const { memberId } = created.json<{ memberId: string }>();
    const before = kiosk.ledger.balance(memberAccount(memberId));
    await kiosk.close();

    clock.atMs = Date.UTC(2026, 8, 14, 9, 0);
    kiosk = await composeKiosk({ config, dataDir, logger, clock });
    const deadline = Date.now() + 10_000;
    while (kiosk.ledger.balance(memberAccount(memberId)) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const after = kiosk.ledger.balance(memberAccount(memberId));
    expect(after).toBeGreaterThan(before);
    await kiosk.close();

    // Restarting again the same day gives nothing more.
    kiosk = await composeKiosk({ config, dataDir, logger, clock });
    await new Promise((r) => setTimeout(r, 500));
    expect(kiosk.ledger.balance(memberAccount(memberId))).toBe(after);
    await kiosk.close();
  });
});
