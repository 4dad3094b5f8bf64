import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUB, seedClub, ZAHRA_EARNINGS, type SeededClub } from './support/club.js';
import { overflowsHorizontally, signInInBrowser, startRealDashboard, STAFF, TABLET, TEST_PASSWORD, useLanguage, type RealDashboard } from './support/dashboard.js';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/hq/', import.meta.url));
const WRITE_SCREENSHOTS = process.env.BASHGAH_WRITE_SCREENSHOTS === '1';

/**
 * The people pages in real Chromium against the head office on a real PostgreSQL: a manager
 * finds a member by a mobile typed in Persian digits, blocks a card (another store's kiosk
 * then pulls it as blocked), adjusts points, merges a duplicate, and sees it all in the audit trail; support sees
 * no adjustment form.
 */
describe('dashboard people pages (Chromium, PostgreSQL)', () => {
  let hq: RealDashboard;
  let club: SeededClub;
  let page: Page;

  beforeAll(async () => {
    hq = await startRealDashboard();
    club = await seedClub(hq.app, hq.url);
    if (WRITE_SCREENSHOTS) await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await hq?.close();
  });

  const shot = async (name: string, language: 'fa' | 'en') => {
    if (!WRITE_SCREENSHOTS) return;
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(SHOTS, `${name}-${language}.png`), fullPage: true });
  };

  it('signs in right to left in Persian, and in English after the toggle', async () => {
    page = await hq.newPage();
    await page.goto(hq.url);
    await page.getByTestId('signin-username').waitFor();
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'fa']);
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Vazirmatn');
    await shot('signin', 'fa');
    await useLanguage(page, 'en');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await expect(page.getByTestId('signin-submit').textContent()).resolves.toBe('Sign in');
    await shot('signin', 'en');

    await page.getByTestId('signin-username').fill(STAFF.manager.username);
    await page.getByTestId('signin-password').fill('not-the-password');
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signin-error').textContent()).resolves.toBe('Wrong username or password.');
    await useLanguage(page, 'fa');
    await signInInBrowser(page, hq.url, STAFF.manager.username);
    await expect(page.getByTestId('current-role').textContent()).resolves.toBe('مدیر');
  });

  it('finds a member by a mobile typed with Persian digits and opens them', async () => {
    await page.getByTestId('members-search-input').fill('۰۹۱۲ ۱۲۳ ۴۵۶۷');
    await page.getByTestId('members-search-submit').click();
    const rows = page.getByTestId('member-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-member-id')).toBe(CLUB.zahra.id);
    // Persian digits for the phone and the points.
    await expect(rows.first().textContent()).resolves.toContain('۰۹۱۲۱۲۳۴۵۶۷');
    await shot('members', 'fa');

    await rows.first().click();
    await page.getByTestId('member-name').waitFor();
    await expect(page.getByTestId('member-name').textContent()).resolves.toBe(CLUB.zahra.name);
    const points = ZAHRA_EARNINGS * 10 - 50;
    await expect(page.getByTestId('member-points').textContent()).resolves.toContain(new Intl.NumberFormat('fa-IR').format(points));
    expect(await page.getByTestId('transfer-row').count()).toBe(20);
    await page.getByTestId('transfers-more').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="transfer-row"]').length === 31);
    await shot('member', 'fa');
  });

  it('blocks a card with a reason; the other store’s kiosk then pulls it as blocked', async () => {
    await page.locator(`[data-testid="card-block"][data-card-id="${CLUB.zahra.cardId}"]`).click();
    await page.getByTestId('block-confirm').click();
    await page.getByTestId('block-panel').getByRole('alert').waitFor(); // a reason is required
    await page.getByTestId('block-reason').fill('گم شده؛ مشتری تماس گرفت');
    await page.getByTestId('block-confirm').click();
    await page.getByTestId('block-done').waitFor();
    await expect(page.locator(`[data-testid="card-row"][data-card-id="${CLUB.zahra.cardId}"] [data-testid="card-status"]`).textContent()).resolves.toBe('مسدود');

    const pulled = await club.clientB.pull({ afterRevision: 0, limit: 1000, documentVersions: {} });
    expect(pulled.storeId).toBe('store-b');
    expect(pulled.blockedCards).toContain(CLUB.zahra.cardId);
  });

  it('queues a manual adjustment typed in Persian digits and shows its delivery state', async () => {
    await page.getByTestId('adjust-points').fill('۲۵۰');
    await page.getByTestId('adjust-submit').click();
    await page.getByTestId('adjust-panel').getByRole('alert').waitFor(); // the reason is missing
    await page.getByTestId('adjust-reason').fill('جبران خطای صندوق');
    await page.getByTestId('adjust-submit').click();
    await page.getByTestId('adjust-done').waitFor();
    const directive = page.getByTestId('directive').first();
    await expect(directive.getAttribute('data-state')).resolves.toBe('queued');
    await expect(directive.textContent()).resolves.toContain('۲۵۰');

    // The store's kiosk pulls it: the member page then shows it delivered.
    const pulled = await club.clientA.pull({ afterRevision: 0, limit: 1000, documentVersions: {} });
    expect(pulled.directives).toEqual([expect.objectContaining({ kind: 'adjust', memberId: CLUB.zahra.id, points: 250 })]);
    await page.reload();
    await page.getByTestId('member-name').waitFor();
    await expect(page.getByTestId('directive').first().getAttribute('data-state')).resolves.toBe('delivered');
  });

  it('merges a duplicate after a confirmation that shows both members', async () => {
    await page.getByTestId('merge-search').fill('۰۹۳۵۱۱۱۲۲۳۳');
    await page.getByTestId('merge-find').click();
    await page.locator(`[data-testid="merge-candidate"][data-member-id="${CLUB.zahraAgain.id}"]`).click();
    const confirmation = page.getByTestId('merge-confirmation');
    await expect(confirmation.textContent()).resolves.toMatch(new RegExp(`${CLUB.zahra.id}.*${CLUB.zahraAgain.id}`, 's'));
    await expect(confirmation.textContent()).resolves.toContain('۰۹۳۵۱۱۱۲۲۳۳');
    await page.getByTestId('merge-confirm').click();
    await page.getByTestId('merge-done').waitFor();
    expect(await page.getByTestId('directive').count()).toBe(2);
  });

  it('shows the changes in the audit trail, and the pages in English', async () => {
    const auditRows = () => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-action')} ${row.getAttribute('data-subject')}`));
    const changes = [`member.merge member:${CLUB.zahra.id}`, `member.adjust member:${CLUB.zahra.id}`, `card.block card:${CLUB.zahra.cardId}`];
    await page.getByTestId('member-audit').click();
    await page.getByTestId('audit-row').first().waitFor();
    expect(await auditRows()).toEqual(changes); // only this member's changes
    await page.getByTestId('nav-audit').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length > 3);
    const actions = await auditRows();
    expect(actions).toContain(`session.start user:${STAFF.manager.username}`);
    expect(actions.slice(0, 3)).toEqual([`member.merge member:${CLUB.zahra.id}`, `member.adjust member:${CLUB.zahra.id}`, `card.block card:${CLUB.zahra.cardId}`]);

    await useLanguage(page, 'en');
    await page.getByTestId('audit-row').first().waitFor();
    await expect(page.getByTestId('audit-row').nth(1).textContent()).resolves.toContain('Points adjusted');
    await page.goto(`${hq.url}/#/members/${encodeURIComponent('+98 912 123 4567')}`);
    await page.getByTestId('member-row').first().waitFor();
    await shot('members', 'en');
    await page.getByTestId('member-row').first().click();
    await page.getByTestId('member-name').waitFor();
    await expect(page.getByTestId('card-status').first().textContent()).resolves.toBe('blocked');
    await shot('member', 'en');
    await useLanguage(page, 'fa');
  });

  it('gives support no adjustment form and no audit page, and fits a tablet', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-username').waitFor();
    await page.context().close();

    page = await hq.newPage(TABLET);
    await signInInBrowser(page, hq.url, STAFF.support.username);
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    await page.goto(`${hq.url}/#/member/${CLUB.mina.id}`);
    await page.getByTestId('member-name').waitFor();
    expect(await page.getByTestId('card-block').count()).toBe(1);
    expect(await page.getByTestId('adjust-panel').count()).toBe(0);
    expect(await page.getByTestId('merge-panel').count()).toBe(0);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.goto(`${hq.url}/#/audit`);
    await page.getByTestId('page-forbidden').waitFor();

    // A session that ends while the page is open sends the user back to sign-in, then to the same page.
    await hq.db.query('DELETE FROM dashboard_sessions');
    await page.getByTestId('nav-members').click();
    await page.getByTestId('members-search-input').fill('۰۹۱۲');
    await page.getByTestId('members-search-submit').click();
    await page.getByTestId('signin-username').waitFor();
    await page.getByTestId('signin-username').fill(STAFF.support.username);
    await page.getByTestId('signin-password').fill(TEST_PASSWORD);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('member-row').first().waitFor();
  });
});
