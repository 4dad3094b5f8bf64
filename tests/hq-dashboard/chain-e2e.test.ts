import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLoyaltyRules } from '../../firmware/src/loyalty/rules/parse.js';
import { CHROMIUM_OPTIONS, LAPTOP, signInInBrowser, STAFF, TEST_PASSWORD } from './support/dashboard.js';
import { dashboardSession, hqAdminGet, KIOSK, kioskApi, rulesJournaledFromHq, startChain, waitFor, type Chain } from './chain-harness.js';

/**
 * Issue #7's acceptance, end to end: real Chromium on the dashboard of the compiled
 * `bashgah hq serve` on a real PostgreSQL, and a real kiosk (the compiled `bashgah start`,
 * simulated hardware) syncing with it on its own timer. A member enrolled and buying at the
 * kiosk is found by mobile on the dashboard with their points; a card blocked there is refused
 * by the kiosk after its next sync (tap on the kiosk screen, lookup and POS purchase); an
 * earning rule edited, previewed and published there is what the kiosk earns by after its next
 * sync; the overview charts draw that data. Every wait polls observable state, bounded.
 */
const fa = (n: number) => new Intl.NumberFormat('fa-IR').format(n);
const SYNC_WAIT_MS = 30_000;
const RATE_BEFORE_RIAL = 100_000;
const RATE_AFTER_RIAL = 25_000;

const ZAHRA = { name: 'زهرا محمدی', phone: '09121234567', card: 'nfc:04C4A1B2C3D401' };
const REZA = { name: 'رضا کریمی', phone: '09351112233', card: 'nfc:04C4A1B2C3D402' };

interface Member { memberId: string; pointsBalance: number; cards: Array<{ cardId: string; status: string }> }
interface Purchase { memberId: string; pointsEarned: number; balance: number; error?: { code: string } }

describe('the chain end to end: kiosk ⇄ head office ⇄ dashboard (Chromium, PostgreSQL, compiled services)', { timeout: 90_000 }, () => {
  let chain: Chain;
  let browser: Browser;
  let page: Page;
  const ids = { zahra: '', reza: '' };

  beforeAll(async () => {
    const launching = chromium.launch(CHROMIUM_OPTIONS);
    chain = await startChain({
      staff: { username: STAFF.manager.username, password: TEST_PASSWORD, displayName: STAFF.manager.displayName },
      // The chain's rules before the story (version 1): the defaults without campaigns, so the
      // figures do not depend on the hour or the week the test runs in, and without a return
      // window, so points are spendable (the dashboard's big figure) at once.
      async beforeKiosk(hqUrl) {
        const manager = await dashboardSession(hqUrl, STAFF.manager.username, TEST_PASSWORD);
        const rules = defaultLoyaltyRules();
        rules.earning.campaigns = [];
        rules.earning.returnWindowDays = 0;
        expect(rules.earning.rialPerPoint).toBe(RATE_BEFORE_RIAL);
        expect((await manager('POST', '/rules/preview', { body: rules })).status).toBe(200); // publishing requires it
        const published = await manager('PUT', '/rules', { expectedVersion: 0, body: rules, reason: 'قواعد پایه بدون کمپین' });
        expect(published).toMatchObject({ status: 200, body: { version: 1 } });
      },
    });
    browser = await launching;
    // The kiosk takes version 1 on its first sync, before it sells anything.
    await waitFor('the kiosk to run by rules version 1', async () => ((await rulesJournaledFromHq(chain.db, KIOSK.deviceId)).length === 1 ? true : undefined), SYNC_WAIT_MS);
    const context = await browser.newContext({ viewport: LAPTOP, locale: 'fa-IR', timezoneId: 'Asia/Tehran' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await chain?.close();
  });

  const pos = <T = Member>(method: 'GET' | 'POST', path: string, body?: unknown) => kioskApi.pos<T>(chain.kioskUrl, method, path, body);
  const buy = (card: string, amountRial: number, receiptId: string) => pos<Purchase>('POST', '/api/v1/purchases', { card, amountRial, receiptId });
  /** The member's points as the head office books them, once they equal `points`. */
  const hqPointsReach = (memberId: string, points: number) =>
    waitFor(`the head office to book ${points} points for ${memberId}`, async () => {
      const answer = await hqAdminGet<{ member: { balances: Record<string, number> } }>(chain.hqUrl, `/v1/members/${memberId}`);
      return answer.status === 200 && answer.body.member.balances.points === points ? points : undefined;
    }, SYNC_WAIT_MS);

  it('1. the kiosk enrols a member and records purchases; the manager finds them by mobile with their points', async () => {
    for (const [key, person] of [['zahra', ZAHRA], ['reza', REZA]] as const) {
      const enrolled = await pos('POST', '/api/v1/members', { name: person.name, phone: person.phone, card: person.card, smsConsent: true });
      expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
      ids[key] = enrolled.body.memberId;
    }
    expect((await buy(ZAHRA.card, 2_500_000, 'z-1')).status).toBe(201);
    const second = await buy(ZAHRA.card, 1_200_000, 'z-2');
    expect(second.status).toBe(201);
    expect(second.body.pointsEarned).toBe(12); // 1,200,000 / 100,000, no first-purchase bonus any more
    // Reza's first purchase, so that his later ones earn by the rate alone.
    expect((await buy(REZA.card, 2_000_000, 'r-1')).status).toBe(201);
    const atKiosk = (await pos('GET', `/api/v1/members/${ids.zahra}`)).body.pointsBalance;
    expect(atKiosk).toBe(25 + 12 + 50); // with the first-purchase bonus
    await hqPointsReach(ids.zahra, atKiosk);

    await signInInBrowser(page, chain.hqUrl, STAFF.manager.username);
    await page.getByTestId('members-search-input').fill('۰۹۱۲ ۱۲۳ ۴۵۶۷');
    await page.getByTestId('members-search-submit').click();
    const row = page.locator(`[data-testid="member-row"][data-member-id="${ids.zahra}"]`);
    await row.waitFor();
    expect(await page.getByTestId('member-row').count()).toBe(1);
    await row.click();
    await expect(page.getByTestId('member-name').textContent()).resolves.toBe(ZAHRA.name);
    await expect(page.getByTestId('member-points').textContent()).resolves.toContain(fa(atKiosk));
  });

  it('2. the manager blocks the card; after the kiosk’s next sync the kiosk refuses it (tap, lookup, purchase)', async () => {
    const kioskScreen = await browser.newPage({ viewport: { width: 1024, height: 600 } });
    await kioskScreen.goto(chain.kioskUrl);
    await kioskScreen.waitForSelector('[data-screen="attract"]');

    await page.locator(`[data-testid="card-block"][data-card-id="${ZAHRA.card}"]`).click();
    await page.getByTestId('block-reason').fill('گم شده؛ مشتری تماس گرفت');
    await page.getByTestId('block-confirm').click();
    await page.getByTestId('block-done').waitFor();
    await expect(page.locator(`[data-testid="card-row"][data-card-id="${ZAHRA.card}"] [data-testid="card-status"]`).textContent()).resolves.toBe('مسدود');

    // The kiosk's own lookup answers CARD_BLOCKED once its sync has brought the block.
    const lookup = await waitFor('the kiosk to refuse the blocked card', async () => {
      const answer = await pos<{ error?: { code: string } }>('GET', `/api/v1/members?card=${encodeURIComponent(ZAHRA.card)}`);
      return answer.status === 200 ? undefined : answer;
    }, SYNC_WAIT_MS);
    expect(lookup).toMatchObject({ status: 409, body: { error: { code: 'CARD_BLOCKED' } } });
    const refused = await buy(ZAHRA.card, 1_000_000, 'z-3');
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'CARD_BLOCKED' } } });

    // A tap on the kiosk's reader: the customer's screen says the card is blocked.
    await kioskApi.simulate(chain.kioskUrl, { action: 'tap', card: ZAHRA.card });
    await kioskScreen.waitForSelector('[data-screen="blocked-card"]');
    await kioskApi.simulate(chain.kioskUrl, { action: 'remove' });
    // Reza's card is not touched by it.
    expect((await pos('GET', `/api/v1/members?card=${encodeURIComponent(REZA.card)}`)).status).toBe(200);
    await kioskScreen.close();
  });

  it('3. the manager edits the earning rate, previews and publishes; after the kiosk’s next sync a purchase earns by it', async () => {
    // Before: 2,000,000 Rial at 100,000 Rial a point.
    const before = await buy(REZA.card, 2_000_000, 'r-2');
    expect(before).toMatchObject({ status: 201, body: { pointsEarned: 20 } });
    // The preview replays the chain's receipts: wait until the head office has them all.
    await hqPointsReach(ids.reza, (await pos('GET', `/api/v1/members/${ids.reza}`)).body.pointsBalance);

    await page.getByTestId('nav-rules').click();
    await expect(page.getByTestId('rules-version').getAttribute('data-version')).resolves.toBe('1');
    const rate = page.getByTestId('field-/earning/rialPerPoint');
    await expect(rate.inputValue()).resolves.toBe('۱۰۰۰۰۰');
    await rate.fill('۲۵۰۰۰');
    await page.getByTestId('rules-valid').waitFor();
    await page.getByTestId('preview-button').click();
    await page.getByTestId('preview-panel').waitFor();
    // The kiosk's four receipts: 25 + 12 + 20 + 20 purchase points now, four times that at 25,000.
    const current = await page.getByTestId('preview-current').textContent();
    const draft = await page.getByTestId('preview-draft').textContent();
    expect([current, draft]).toEqual([fa(77), fa(308)]);
    await page.getByTestId('publish-reason').fill('جشنواره: هر ۲۵ هزار ریال یک امتیاز');
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-ok').waitFor();
    await expect(page.getByTestId('rules-version').getAttribute('data-version')).resolves.toBe('2');

    // The kiosk has journaled version 2 (and told the head office so): it earns by it from then on.
    const journaled = await waitFor('the kiosk to run by rules version 2', async () => {
      const rules = await rulesJournaledFromHq(chain.db, KIOSK.deviceId);
      return rules.length === 2 ? rules : undefined;
    }, SYNC_WAIT_MS);
    expect(journaled.map((rules) => rules.earning.rialPerPoint)).toEqual([RATE_BEFORE_RIAL, RATE_AFTER_RIAL]);
    const after = await buy(REZA.card, 2_000_000, 'r-3');
    expect(after).toMatchObject({ status: 201, body: { pointsEarned: 2_000_000 / RATE_AFTER_RIAL } });
    expect(after.body.pointsEarned).not.toBe(before.body.pointsEarned);
    await hqPointsReach(ids.reza, after.body.balance);

    // The fleet page tells the manager the change has reached the kiosk (it reports the rules
    // version it runs with every pull).
    await waitFor('the fleet page to show rules version 2 at the kiosk', async () => {
      await page.goto(`${chain.hqUrl}/?fresh=${Date.now()}#/fleet`); // a full load: fresh figures each time
      const cell = page.locator(`[data-device="${KIOSK.deviceId}"] [data-testid="fleet-rules"]`);
      await cell.waitFor();
      return ['2', '۲'].includes((await cell.innerText()).trim()) ? true : undefined;
    }, SYNC_WAIT_MS);
  });

  it('4. the overview charts draw the chain’s data', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.getByTestId('nav-overview').click();
    await page.locator('[data-testid="overview-body"][data-days]').waitFor();
    await page.waitForFunction(() => {
      const canvases = [...document.querySelectorAll('canvas')];
      return canvases.length >= 4 && canvases.every((canvas) => Number(canvas.dataset.rendered ?? 0) > 0);
    });
    const tile = (testid: string) => page.getByTestId(testid).locator('.tile-value').textContent();
    // 25 + 12 + 20 + 20 + 80 purchase points and two first-purchase bonuses; 2 members; 5 purchases.
    await expect(tile('tile-earned')).resolves.toBe(fa(257));
    await expect(tile('tile-spend')).resolves.toContain(fa(9_700_000));
    await expect(tile('tile-new')).resolves.toBe(fa(2));
    await expect(tile('tile-purchases')).resolves.toBe(fa(5));
    const pixelsOf = (testid: string, rgb: [number, number, number]) =>
      page.evaluate(({ testid, rgb }) => {
        const canvas = document.querySelector(`[data-testid="${testid}"]`) as HTMLCanvasElement;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, Math.floor(canvas.height * 0.8));
        let count = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 200 && Math.abs(data[i]! - rgb[0]) < 24 && Math.abs(data[i + 1]! - rgb[1]) < 24 && Math.abs(data[i + 2]! - rgb[2]) < 24) count++;
        }
        return count;
      }, { testid, rgb });
    // Bars exist only for data: today's two new members (green), the store's spend (brand).
    expect(await pixelsOf('chart-members-canvas', [46, 157, 98])).toBeGreaterThan(20);
    expect(await pixelsOf('chart-stores-canvas', [20, 88, 111])).toBeGreaterThan(200);
    // The earned-points line, and the tiers doughnut: both members bought, both bronze (#b08d57).
    expect(await pixelsOf('chart-points-canvas', [20, 88, 111])).toBeGreaterThan(100);
    expect(await pixelsOf('chart-tiers-canvas', [176, 141, 87])).toBeGreaterThan(1000);
  });
});
