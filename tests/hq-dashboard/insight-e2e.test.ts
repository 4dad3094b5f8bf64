import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_ID, STOPPER } from '../../sync/hq/insight/testing/kiosk-history.js';
import { signInInBrowser, startRealDashboard, STAFF, useLanguage, type RealDashboard } from './support/dashboard.js';
import { pullWithStatus, pushKioskHistory, type PushedHistory } from './insight-fixture.js';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/hq/', import.meta.url));
const WRITE_SCREENSHOTS = process.env.BASHGAH_WRITE_SCREENSHOTS === '1';
const NOW_MS = Math.floor(Date.now() / 3_600_000) * 3_600_000;

/**
 * The insight pages in real Chromium against the head office on a real PostgreSQL, with a
 * chain history recorded by real kiosk ledgers and pushed through the sync API: the charts
 * draw the data (pixels of each series' colour on the canvas), the analysis finds the member
 * who stopped coming and the campaign, a fraud flag is closed with a note, the fleet shows a
 * kiosk's printer problem, and a manager queues an offer to a segment.
 */
describe('dashboard insight pages (Chromium, PostgreSQL)', () => {
  let hq: RealDashboard;
  let pushed: PushedHistory;
  let page: Page;

  beforeAll(async () => {
    hq = await startRealDashboard();
    pushed = await pushKioskHistory(hq, NOW_MS);
    await pullWithStatus(hq, pushed.identities['store-a'], 'ok');
    await pullWithStatus(hq, pushed.identities['store-b'], 'paper-out');
    page = await hq.newPage();
    // One draw per chart, no animation frames: the pixels are final when the marker appears.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await signInInBrowser(page, hq.url, STAFF.manager.username);
    if (WRITE_SCREENSHOTS) await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await pushed?.history.close();
    await hq?.close();
  });

  const open = async (hash: string, ready: string) => {
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    await page.getByTestId(ready).first().waitFor();
  };
  /** Waits until every chart canvas on the page has drawn. */
  const chartsDrawn = async () => {
    await page.waitForFunction(() => {
      const canvases = [...document.querySelectorAll('canvas')];
      return canvases.length > 0 && canvases.every((c) => Number(c.dataset.rendered ?? 0) > 0);
    });
  };
  /** Pixels of a canvas within ±24 of the colour on each channel, fully opaque-ish, above the legend (bottom 20%). */
  const pixelsOf = (testid: string, rgb: [number, number, number]) =>
    page.evaluate(({ testid, rgb }) => {
      const canvas = document.querySelector(`[data-testid="${testid}"]`) as HTMLCanvasElement;
      const context = canvas.getContext('2d')!;
      const { data } = context.getImageData(0, 0, canvas.width, Math.floor(canvas.height * 0.8));
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 200 && Math.abs(data[i]! - rgb[0]) < 24 && Math.abs(data[i + 1]! - rgb[1]) < 24 && Math.abs(data[i + 2]! - rgb[2]) < 24) count++;
      }
      return count;
    }, { testid, rgb });
  const shot = async (name: string, language: 'fa' | 'en') => {
    if (!WRITE_SCREENSHOTS) return;
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(SHOTS, `${name}-${language}.png`), fullPage: true });
  };

  it('the overview draws every chart with the data, right to left in Persian', async () => {
    await open('#/overview', 'chart-points');
    await page.locator('[data-testid="overview-body"][data-days="30"]').waitFor();
    await chartsDrawn();
    // Earned points line (brand colour), new members bars (green), stores' spend bars (brand).
    expect(await pixelsOf('chart-points-canvas', [20, 88, 111])).toBeGreaterThan(300);
    expect(await pixelsOf('chart-points-canvas', [242, 165, 49])).toBeGreaterThan(30);
    expect(await pixelsOf('chart-stores-canvas', [20, 88, 111])).toBeGreaterThan(500);
    expect(await pixelsOf('chart-surveys-canvas', [46, 157, 98])).toBeGreaterThan(50);
    expect(await pixelsOf('chart-members-canvas', [46, 157, 98])).toBe(0);
    // Over a year, members joined: their bars are drawn.
    await page.getByTestId('window-365').click();
    await page.locator('[data-testid="overview-body"][data-days="365"]').waitFor();
    await chartsDrawn();
    expect(await pixelsOf('chart-members-canvas', [46, 157, 98])).toBeGreaterThan(100);
    // The doughnut: a slice per tier reached, and "no purchase" in grey when there is one.
    expect(await pixelsOf('chart-tiers-canvas', [224, 177, 0])).toBeGreaterThan(1000);
    const earned = await page.getByTestId('tile-earned').locator('.tile-value').textContent();
    expect(earned).toMatch(/^[۰-۹٬]+$/);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    const exportHref = await page.getByTestId('export-transactions').getAttribute('href');
    const csv = await page.evaluate(async (href) => [...new Uint8Array(await (await fetch(href!)).arrayBuffer())], exportHref);
    expect(csv.slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(csv.slice(3)).toString('utf8')).toMatch(/^time_utc,transaction_id,store_id,member_id,kind,amount_rial,points,receipt_id,note\r\n.+,purchase,/s);
    await shot('overview', 'fa');
  });

  it('the analysis finds the member who stopped coming and the campaign that worked', async () => {
    await open('#/analysis', 'chart-segments');
    await chartsDrawn();
    const segmentPixels = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="chart-segments-canvas"]') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 200 && Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!) > 60) coloured++;
      return coloured;
    });
    expect(segmentPixels).toBeGreaterThan(1000);
    await page.locator(`[data-testid="inactive-row"][data-member="${STOPPER}"]`).waitFor();
    expect(await page.getByTestId('inactive-row').count()).toBe(1);
    const campaign = page.locator(`[data-testid="campaign-row"][data-campaign="${CAMPAIGN_ID}"]`);
    await expect(campaign.locator('td').nth(2).textContent()).resolves.toMatch(/^\+[۰-۹]+٪$/);
    await shot('analysis', 'fa');
  });

  it('a fraud flag is closed with a note, and stays closed', async () => {
    await open('#/fraud', 'flag-list');
    const flag = page.locator('[data-testid="flag"][data-kind="card_two_stores"]');
    await flag.waitFor();
    await shot('fraud', 'fa');
    await flag.getByTestId('flag-close').click();
    await flag.locator('[role="alert"]').waitFor();
    await flag.getByTestId('flag-note').fill('خرید همسر عضو با کارت المثنی؛ بررسی شد');
    await flag.getByTestId('flag-close').click();
    await page.locator('[data-testid="flag"][data-kind="card_two_stores"]').waitFor({ state: 'detached' });
    await page.getByTestId('flags-closed').click();
    const closed = page.locator('[data-testid="flag"][data-kind="card_two_stores"][data-state="closed"]');
    await expect(closed.getByTestId('flag-review-note').textContent()).resolves.toContain('خرید همسر عضو با کارت المثنی؛ بررسی شد');
    const audit = await hq.db.query<{ action: string; username: string }>(`SELECT action, username FROM dashboard_audit WHERE action = 'fraud.close'`);
    expect(audit.rows).toEqual([{ action: 'fraud.close', username: STAFF.manager.username }]);
    await page.reload();
    await open('#/fraud', 'flag-list');
    await page.getByTestId('flags-closed').click();
    await closed.waitFor();
  });

  it('the fleet shows each store with its kiosks and a printer out of paper', async () => {
    await open('#/fleet', 'fleet-store');
    const b = page.locator('[data-testid="fleet-device"][data-device="kiosk-b1"]');
    await expect(b.getAttribute('data-state')).resolves.toBe('ok');
    await expect(b.locator('.chip.bad').textContent()).resolves.toContain('paper-out');
    await shot('fleet', 'fa');
  });

  it('a manager queues an offer to a segment; the outbox shows it per message', async () => {
    await open('#/messages', 'composer');
    await page.getByTestId('compose-kind').selectOption('offer');
    await page.getByTestId('compose-segment').selectOption('all');
    await page.waitForFunction(() => /[۰-۹]/.test(document.querySelector('[data-testid="segment-size"]')?.textContent ?? ''));
    await page.getByTestId('compose-text').fill('{name} عزیز، این هفته خرید شما امتیاز دوبرابر دارد.');
    await page.getByTestId('compose-send').click();
    await expect(page.getByTestId('compose-done').textContent()).resolves.toContain('۱۳');
    await page.locator('[data-testid="outbox-row"][data-state="queued"]').first().waitFor();
    expect(await page.locator('[data-testid="outbox-row"]').count()).toBe(13);
    await shot('messages', 'fa');
  });

  it('the same pages in English, left to right', async () => {
    await useLanguage(page, 'en');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await open('#/overview', 'chart-points');
    await chartsDrawn();
    expect(await pixelsOf('chart-points-canvas', [20, 88, 111])).toBeGreaterThan(300);
    await expect(page.getByTestId('tile-earned').locator('.tile-value').textContent()).resolves.toMatch(/^[0-9,]+$/);
    await shot('overview', 'en');
    await open('#/analysis', 'chart-segments');
    await chartsDrawn();
    await shot('analysis', 'en');
    await open('#/fraud', 'flag-list');
    await page.getByTestId('flags-all').click();
    await page.locator('[data-testid="flag"]').first().waitFor();
    await shot('fraud', 'en');
    await open('#/fleet', 'fleet-store');
    await shot('fleet', 'en');
    await open('#/messages', 'outbox-table');
    await shot('messages', 'en');
  });
});
