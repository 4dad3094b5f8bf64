import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { drawRound } from '../../sync/hq/lottery/index.js';
import { seedHash } from '../../firmware/src/loyalty/engagement/lottery.js';
import { ADMIN_TOKEN, signInInBrowser, STAFF, startRealDashboard, useLanguage, type RealDashboard } from './support/dashboard.js';

/**
 * The lottery rounds page in real Chromium against the head office on a real PostgreSQL:
 * a manager opens a round for one store (its kiosk's directive shows queued), sees the
 * published seed hash, a refused id explained, and the seed once drawn; in both languages.
 */
describe('lottery rounds page (Chromium, PostgreSQL)', () => {
  let hq: RealDashboard;
  let page: Page;

  beforeAll(async () => {
    hq = await startRealDashboard();
    for (const [deviceId, storeId] of [['kiosk-a1', 'store-a'], ['kiosk-b1', 'store-b']]) {
      const response = await hq.app.inject({ method: 'POST', url: '/v1/admin/devices', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { deviceId, storeId } });
      expect(response.statusCode).toBe(201);
    }
    page = await hq.newPage();
    await signInInBrowser(page, hq.url, STAFF.manager.username);
  }, 60_000);
  afterAll(async () => {
    await hq?.close();
  });

  const fillForm = async (lotteryId: string) => {
    await page.getByTestId('lottery-id').fill(lotteryId);
    await page.getByTestId('lottery-name').fill('قرعه‌کشی نوروز');
    await page.getByTestId('lottery-prizes').fill('سکهٔ طلا | 500\nکارت هدیه');
    // datetime-local in the browser's own time zone, ten minutes ahead.
    const closes = await page.evaluate(() => {
      const at = new Date(Date.now() + 600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
    });
    await page.getByTestId('lottery-closes').fill(closes);
    await page.getByTestId('lottery-stores').fill('store-a');
    await page.getByTestId('lottery-open').click();
  };

  it('opens a round for one store, shows the hash, the queued kiosk, a refused id, and the seed after the draw', async () => {
    await page.goto(`${hq.url}/#/lottery`);
    await useLanguage(page, 'fa');
    await page.getByTestId('lottery-form').waitFor();
    expect(await page.locator('h1').textContent()).toBe('دوره‌های قرعه‌کشی');

    await fillForm('Bad Id');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/lotteryId/);

    await fillForm('nowruz-1405');
    const round = page.locator('[data-testid="lottery-round"][data-lottery="nowruz-1405"]');
    await round.waitFor();
    expect(await page.getByRole('status').first().textContent()).toMatch(/nowruz-1405/);
    const published = (await round.getByTestId('lottery-seed-hash').textContent())!;
    expect(published).toMatch(/^[0-9a-f]{64}$/);
    // Only store-a's kiosk; its directive waits for the kiosk's next pull. No seed, no draw button yet.
    const kiosks = round.getByTestId('lottery-kiosk');
    expect(await kiosks.count()).toBe(1);
    expect(await kiosks.first().getAttribute('data-device')).toBe('kiosk-a1');
    expect(await kiosks.first().locator('[data-state]').first().textContent()).toBe('در صف');
    expect(await round.getByTestId('lottery-seed').count()).toBe(0);
    expect(await round.getByTestId('lottery-draw').count()).toBe(0);

    // The draw (after closing; the route refuses it earlier) reveals a seed matching the hash.
    const closesAtMs = Number((await hq.db.query<{ closes_at_ms: string }>(`SELECT closes_at_ms FROM lottery_rounds WHERE id = 'nowruz-1405'`)).rows[0]!.closes_at_ms);
    await hq.db.transaction((tx) => drawRound(tx, { lotteryId: 'nowruz-1405', requestedBy: STAFF.manager.username, atMs: closesAtMs + 1000 }));
    await page.reload();
    const seed = (await round.getByTestId('lottery-seed').textContent())!;
    expect(seedHash(seed)).toBe(published);

    await useLanguage(page, 'en');
    expect(await page.locator('h1').textContent()).toBe('Lottery rounds');
    expect(await page.locator('p.hint').textContent()).toMatch(/winners are per kiosk/);
    expect(await round.getByTestId('lottery-kiosk').first().locator('[data-state]').nth(1).textContent()).toBe('queued');
  }, 60_000);
});
