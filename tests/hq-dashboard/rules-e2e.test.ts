import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../firmware/src/config/load.js';
import { loadHqRules, startSync, type SyncWiring } from '../../firmware/src/kiosk/sync-wiring.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import type { Actor } from '../../firmware/src/ledger/types.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { LoyaltyService } from '../../firmware/src/loyalty/service.js';
import { Ed25519VoucherSigner } from '../../firmware/src/loyalty/vouchers/signer.js';
import { writeKeyFile } from '../../sync/agent/identity.js';
import { BUILT_IN_SURVEY_QUESTIONS } from '../../firmware/src/loyalty/config.js';
import { defaultLoyaltyRules } from '../../firmware/src/loyalty/rules/parse.js';
import { ADMIN_TOKEN, signInInBrowser, startRealDashboard, STAFF, useLanguage, type RealDashboard } from './support/dashboard.js';
import { signIn } from './support/staff.js';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/hq/', import.meta.url));
const WRITE_SCREENSHOTS = process.env.BASHGAH_WRITE_SCREENSHOTS === '1';
const TILL: Actor = { kind: 'pos', id: 'till-1' };
const HAPPY_HOUR = '/earning/campaigns/0/multiplierPercent';

/** The latest :30 before `beforeMs`, Tehran time, on one of `weekdays` (0 = Saturday) at one of `hours`. */
function lastTehranMoment(beforeMs: number, weekdays: number[], hours: number[]): number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tehran', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  for (let atMs = Math.floor(beforeMs / 1_800_000) * 1_800_000; atMs > beforeMs - 8 * 86_400_000; atMs -= 1_800_000) {
    const parts = Object.fromEntries(format.formatToParts(new Date(atMs)).map((part) => [part.type, part.value]));
    const weekday = ['Sat', 'Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri'].indexOf(String(parts.weekday));
    if (weekdays.includes(weekday) && hours.includes(Number(parts.hour)) && Number(parts.minute) === 30) return atMs;
  }
  throw new Error('no such moment in the last week');
}

/** A kiosk as compose.ts wires it: a real ledger on disk, the loyalty service, the sync agent with the head office's rules. */
interface Kiosk {
  ledger: Ledger;
  loyalty: LoyaltyService;
  sync: SyncWiring;
  close(): Promise<void>;
}

async function startKiosk(hq: RealDashboard, deviceId: string, storeId: string): Promise<Kiosk> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bashgah-rules-kiosk-'));
  const provisioned = await hq.app.inject({ method: 'POST', url: '/v1/admin/devices', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { deviceId, storeId } });
  expect(provisioned.statusCode).toBe(201);
  const { privateKeyPem, hqPublicKey } = provisioned.json() as { privateKeyPem: string; hqPublicKey: string };
  await writeKeyFile(join(dataDir, 'sync-device.json'), { deviceId, storeId, privateKeyPem, hqPublicKey });
  // Long intervals: the test drives every exchange itself with syncNow().
  const config = parseConfig({ sync: { enabled: true, headOfficeUrl: hq.url, pullIntervalSeconds: 3600, idleIntervalSeconds: 3600 } });
  const logger = createLogger({ level: 'silent' });
  const ledger = await Ledger.open({ dataDir: join(dataDir, 'ledger'), modules: kioskLedgerModules(), logger });
  const rules = await loadHqRules(config, dataDir, logger);
  const loyalty = await LoyaltyService.open({ ledger, rules: rules?.startupRules() ?? config.loyalty, signer: Ed25519VoucherSigner.generate(deviceId), logger });
  const sync = await startSync(config, ledger, dataDir, logger, { loyalty, ...(rules && { rules }) });
  if (!sync) throw new Error('sync did not start');
  return {
    ledger,
    loyalty,
    sync,
    async close() {
      await sync.stop();
      await ledger.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const fa = (n: number) => new Intl.NumberFormat('fa-IR').format(n);

/**
 * Edit a rule, and the kiosk earns by it after the next sync: a kiosk's purchases reach the
 * head office (real PostgreSQL); a manager in Chromium triples the happy-hour multiplier, sees
 * the preview's difference on those purchases, publishes version 2; the kiosk pulls it and a
 * happy-hour purchase then earns three times its base points.
 */
describe('rules editor end to end (Chromium, PostgreSQL, a kiosk)', () => {
  let hq: RealDashboard;
  let kiosk: Kiosk;
  let page: Page;
  // The kiosk takes purchases queued offline up to 7 days back: both moments are well inside that
  // (10:30 on Saturday to Wednesday is the default happy hour; Thursday and Friday afternoons never are).
  const happyHourMs = lastTehranMoment(Date.now() - 600_000, [0, 1, 2, 3, 4], [10]);
  const weekendMs = lastTehranMoment(Date.now() - 600_000, [5, 6], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);

  beforeAll(async () => {
    hq = await startRealDashboard();
    // Version 1, published through the API: the defaults without the Nowruz week, so the test
    // gives the same figures every week of the year. The kiosk pulls it before selling.
    const manager = await signIn(hq.app, STAFF.manager.username);
    const base = defaultLoyaltyRules();
    base.earning.campaigns = base.earning.campaigns.filter((campaign) => campaign.id === 'happy-hour');
    expect((await manager.call('POST', '/v1/dashboard/rules/preview', { body: base })).status).toBe(200);
    expect((await manager.call('PUT', '/v1/dashboard/rules', { expectedVersion: 0, body: base, reason: 'without Nowruz' })).body).toMatchObject({ version: 1 });
    kiosk = await startKiosk(hq, 'kiosk-a1', 'store-a');
    await kiosk.sync.syncNow();
    expect(kiosk.loyalty.rules.earning.campaigns.map((campaign) => campaign.id)).toEqual(['happy-hour']);
    await kiosk.ledger.commit({ id: 'enrol:m-r1', actor: TILL, ops: [{ op: 'member.create', memberId: 'm-r1', name: 'نرگس صالحی', phone: '09121110000', smsConsent: true, storeId: 'store-a' }] });
    // Base points: 20 and 30. Under the default rules the happy hour (150%) makes the first 30.
    const first = await kiosk.loyalty.recordPurchase({ receiptId: 'A-1', memberId: 'm-r1', amountRial: 2_000_000, purchasedAtMs: happyHourMs, actor: TILL });
    expect([first.pointsEarned, first.campaignId]).toEqual([30, 'happy-hour']);
    const second = await kiosk.loyalty.recordPurchase({ receiptId: 'A-2', memberId: 'm-r1', amountRial: 3_000_000, purchasedAtMs: weekendMs, actor: TILL });
    expect([second.pointsEarned, second.campaignId]).toEqual([30, undefined]);
    await kiosk.sync.syncNow();
    if (WRITE_SCREENSHOTS) await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await kiosk?.close();
    await hq?.close();
  });

  const shot = async (name: string, language: 'fa' | 'en') => {
    if (!WRITE_SCREENSHOTS) return;
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(SHOTS, `${name}-${language}.png`), fullPage: true });
  };

  const editHappyHour = async (value: string) => {
    await page.getByTestId('rules-tab-campaigns').click();
    await page.getByTestId(`field-${HAPPY_HOUR}`).fill(value);
  };

  it('shows an error next to the field, and previews the tripled happy hour on the kiosk purchases', async () => {
    page = await hq.newPage();
    await signInInBrowser(page, hq.url, STAFF.manager.username);
    await page.getByTestId('nav-rules').click();
    await expect(page.getByTestId('rules-version').getAttribute('data-version')).resolves.toBe('1');
    await page.getByTestId('rules-valid').waitFor();

    // Out of range: the kiosk schema's limit, shown beside the field in Persian.
    await editHappyHour('۵۰۰۰');
    await page.getByTestId('rules-invalid').waitFor();
    await expect(page.locator(`[data-error-for="${HAPPY_HOUR}"]`).textContent()).resolves.toBe(`باید حداکثر ${fa(1000)} باشد`);
    await expect(page.getByTestId('rules-tab-campaigns').textContent()).resolves.toContain(fa(1));
    expect(await page.getByTestId('preview-button').isDisabled()).toBe(true);

    // Typed with Persian digits, stored as the integer 300.
    await editHappyHour('۳۰۰');
    await page.getByTestId('rules-valid').waitFor();
    expect(await page.getByTestId('publish-button').isDisabled()).toBe(true);
    await shot('rules', 'fa');
    await page.getByTestId('preview-button').click();
    await page.getByTestId('preview-panel').waitFor();
    // 30 + 30 under the rules in force; 60 + 30 with the happy hour at 300%.
    await expect(page.getByTestId('preview-current').textContent()).resolves.toBe(fa(60));
    await expect(page.getByTestId('preview-draft').textContent()).resolves.toBe(fa(90));
    await expect(page.getByTestId('preview-delta').textContent()).resolves.toContain(`+${fa(30)}`);
    await expect(page.getByTestId('preview-members').textContent()).resolves.toContain(fa(1));
    await expect(page.getByTestId('preview-changes').textContent()).resolves.toContain('/earning/campaigns/happy-hour/multiplierPercent');
    expect(await page.getByTestId('preview-example').count()).toBe(2);
    await page.getByTestId('preview-panel').scrollIntoViewIfNeeded();
    await shot('preview', 'fa');
  });

  it('publishes only after the preview, with a reason, as version 2 in the history', async () => {
    expect(await page.getByTestId('publish-button').isDisabled()).toBe(true); // no reason yet
    await page.getByTestId('publish-reason').fill('جشنواره بهار: ساعت خوش سه برابر');
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-ok').waitFor();
    await expect(page.getByTestId('rules-version').getAttribute('data-version')).resolves.toBe('2');
    const row = page.getByTestId('version-2');
    await expect(row.textContent()).resolves.toContain('جشنواره بهار');
    await expect(row.textContent()).resolves.toContain(STAFF.manager.username);
    const audit = await hq.db.query<{ username: string; version: number }>("SELECT username, (details->>'version')::int AS version FROM dashboard_audit WHERE action = 'rules.publish' ORDER BY id");
    expect(audit.rows).toEqual([{ username: STAFF.manager.username, version: 1 }, { username: STAFF.manager.username, version: 2 }]);
  });

  it('the kiosk earns by the published rule after its next sync', async () => {
    await kiosk.sync.syncNow();
    expect(kiosk.loyalty.rules.earning.campaigns.find((campaign) => campaign.id === 'happy-hour')?.multiplierPercent).toBe(300);
    const third = await kiosk.loyalty.recordPurchase({ receiptId: 'A-3', memberId: 'm-r1', amountRial: 2_000_000, purchasedAtMs: happyHourMs + 60_000, actor: TILL });
    expect([third.pointsEarned, third.campaignId]).toEqual([60, 'happy-hour']);
    const outside = await kiosk.loyalty.recordPurchase({ receiptId: 'A-4', memberId: 'm-r1', amountRial: 2_000_000, purchasedAtMs: weekendMs + 60_000, actor: TILL });
    expect([outside.pointsEarned, outside.campaignId]).toEqual([20, undefined]);
    await kiosk.sync.syncNow();
  });

  it('reads in English after the toggle, and support sees the rules read-only', async () => {
    await useLanguage(page, 'en');
    await page.getByTestId('nav-rules').click();
    await expect(page.getByTestId('rules-tab-campaigns').textContent()).resolves.toBe('Campaigns');
    await editHappyHour('250');
    await page.getByTestId('rules-valid').waitFor();
    await shot('rules', 'en');
    await page.getByTestId('preview-button').click();
    await page.getByTestId('preview-panel').waitFor();
    // A's receipts replayed under version 2: 60 + 30, and the two after the sync, 60 + 20.
    await expect(page.getByTestId('preview-current').textContent()).resolves.toBe('170');
    await page.getByTestId('preview-panel').scrollIntoViewIfNeeded();
    await shot('preview', 'en');

    const support = await hq.newPage();
    await signInInBrowser(support, hq.url, STAFF.support.username);
    await support.getByTestId('nav-rules').click();
    await support.getByTestId('rules-read-only').waitFor();
    expect(await support.getByTestId('publish-button').count()).toBe(0);
    expect(await support.getByTestId(`field-${HAPPY_HOUR}`).count()).toBe(0); // earning tab first
    await support.getByTestId('rules-tab-campaigns').click();
    expect(await support.getByTestId(`field-${HAPPY_HOUR}`).isDisabled()).toBe(true);
    await support.context().close();
  });

  it('restores version 1 from the history as version 3, and the kiosk earns by it again after its next sync', async () => {
    await page.getByTestId('restore-1').click();
    await page.getByTestId('restore-reason-1').fill('back to 150% after the spring');
    await page.getByTestId('restore-confirm-1').click();
    await page.waitForSelector('[data-testid="rules-version"][data-version="3"]');
    await expect(page.getByTestId('version-3').textContent()).resolves.toContain('back to 150%');
    await kiosk.sync.syncNow();
    expect(kiosk.loyalty.rules.earning.campaigns[0]?.multiplierPercent).toBe(150);
    const fifth = await kiosk.loyalty.recordPurchase({ receiptId: 'A-5', memberId: 'm-r1', amountRial: 2_000_000, purchasedAtMs: happyHourMs + 120_000, actor: TILL });
    expect([fifth.pointsEarned, fifth.campaignId]).toEqual([30, 'happy-hour']);
  });

  it('rewords the survey questions: the built-in wording as the start, a blank one refused beside it, the rest reaching the kiosk', async () => {
    const field = (path: string) => page.getByTestId(`field-/survey/questions/${path}`);
    await page.getByTestId('rules-tab-engagement').click();
    await expect(field('nps/en').getAttribute('placeholder')).resolves.toBe(BUILT_IN_SURVEY_QUESTIONS.nps.en);
    await expect(field('nps/en').inputValue()).resolves.toBe('');
    // The first edit fills in the built-in wording for the others: the kiosk takes all three or none.
    await field('nps/en').fill('Would you tell a friend about us?');
    await expect(field('csat/fa').inputValue()).resolves.toBe(BUILT_IN_SURVEY_QUESTIONS.csat.fa);
    await field('csat/fa').fill(' ');
    await page.getByTestId('rules-invalid').waitFor();
    await expect(page.locator('[data-error-for="/survey/questions/csat/fa"]').textContent()).resolves.toBe('is required');
    await field('csat/fa').fill('از خرید امروزتان راضی بودید؟');
    await page.getByTestId('rules-valid').waitFor();
    await page.getByTestId('preview-button').click();
    await page.getByTestId('preview-panel').waitFor();
    await page.getByTestId('publish-reason').fill('survey wording');
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-ok').waitFor();
    await expect(page.getByTestId('rules-version').getAttribute('data-version')).resolves.toBe('4');
    await kiosk.sync.syncNow();
    expect(kiosk.loyalty.rules.survey.questions).toEqual({
      ...BUILT_IN_SURVEY_QUESTIONS,
      csat: { ...BUILT_IN_SURVEY_QUESTIONS.csat, fa: 'از خرید امروزتان راضی بودید؟' },
      nps: { ...BUILT_IN_SURVEY_QUESTIONS.nps, en: 'Would you tell a friend about us?' },
    });
    // Back to the built-in wording: the questions leave the draft, the fields show it greyed.
    await page.getByTestId('rules-tab-engagement').click(); // publishing reloads the editor on its first tab
    await expect(field('nps/en').inputValue()).resolves.toBe('Would you tell a friend about us?');
    await page.getByTestId('survey-built-in').click();
    await expect(field('nps/en').inputValue()).resolves.toBe('');
    expect(await page.getByTestId('survey-built-in').isHidden()).toBe(true);
  });
});
