import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEMBER_CARD, DEMO_STAFF_CARD, DEMO_STAFF_PIN } from '../../firmware/src/kiosk/demo-seed.js';
import { CHROMIUM, ROOT, control, freePort, startDemo, type DemoService } from './service.js';

const SHOTS = join(ROOT, 'docs/screenshots');
const run = promisify(execFile);
const POS_TOKEN = 'e2e-pos-token-0123456789';
const SURVEY_QUESTIONS = {
  csat: { fa: 'از خرید امروزتان در فروشگاه نمونه چقدر راضی بودید؟', en: "How happy were you with today's visit to our store?" },
  nps: { fa: 'چقدر احتمال دارد فروشگاه نمونه را به دوستانتان پیشنهاد کنید؟', en: 'How likely are you to recommend our store to a friend?' },
};
let dataDir: string;
let configPath: string;
let port: number;
let service: DemoService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bashgah-e2e-'));
  configPath = join(dataDir, 'config.json');
  // The shortest idle limit the configuration allows, so the idle test is quick.
  // The survey's wording as the head office would set it (the `loyalty` section it publishes).
  await writeFile(configPath, JSON.stringify({ display: { idleTimeoutSeconds: 5 }, device: { storeName: 'فروشگاه نمونه' }, loyalty: { survey: { questions: SURVEY_QUESTIONS } } }));
  port = await freePort();
  service = await startDemo({ port, dataDir, configPath, posToken: POS_TOKEN });
  browser = await chromium.launch(CHROMIUM);
  page = await browser.newPage({ viewport: { width: 1024, height: 600 } });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const tap = (card: string) => control(service, { action: 'tap', card });
const screenIs = (name: string) => page.waitForSelector(`[data-screen="${name}"]`, { timeout: 10_000 });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

async function toEnglish() {
  await page.click('#language');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

async function endSession() {
  const name = await page.getAttribute('[data-screen]', 'data-screen');
  if (name === 'attract') return;
  await page.click('button.btn:has-text("پایان"), button.btn:has-text("Done"), button.btn:has-text("خروج"), button.btn:has-text("Exit")');
  await screenIs('attract');
}

/** Buttons that run off the screen or hide under the countdown bar. */
function buttonsHiddenOrCut(): Promise<string[]> {
  return page.$$eval('button', (buttons) => {
    const countdown = document.getElementById('countdown');
    const barTop = countdown && !countdown.hidden ? countdown.getBoundingClientRect().top : window.innerHeight;
    return buttons.filter((button) => {
      const box = button.getBoundingClientRect();
      return box.width > 0 && (box.right > window.innerWidth + 1 || box.left < -1 || box.bottom > barTop + 1);
    }).map((button) => button.textContent ?? '');
  });
}

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${service.url}${path}`, { ...init, headers: { authorization: `Bearer ${POS_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('the kiosk in a real browser', () => {
  it('shows the balance when a member card is tapped', async () => {
    await page.goto(service.url);
    await screenIs('attract');
    await shot('attract-fa');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await tap(DEMO_MEMBER_CARD);
    await screenIs('balance');
    expect(await page.textContent('[data-testid=points]')).toBe('۴۵۰');
    expect(await page.textContent('h2')).toContain('سارا');
    await page.waitForSelector('[data-testid=countdown]');
    await shot('balance-fa');
  });

  it('redeems a reward and prints the voucher receipt', async () => {
    await page.click('[data-testid=show-rewards]');
    await screenIs('rewards');
    await shot('rewards-fa');
    await page.click('[data-reward="free-tea"]');
    await screenIs('confirm');
    await shot('confirm-fa');
    const before = (await (await fetch(`${service.url}/api/v1/control/printed`, { headers: { authorization: `Bearer ${service.controlToken}` } })).json()) as { jobs: unknown[] };
    await page.click('[data-testid=confirm]');
    await screenIs('done');
    expect(await buttonsHiddenOrCut()).toEqual([]);
    await shot('done-fa');
    const code = (await page.textContent('[data-testid=voucher-code]'))!;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}$/);
    const printed = (await (await fetch(`${service.url}/api/v1/control/printed`, { headers: { authorization: `Bearer ${service.controlToken}` } })).json()) as { jobs: Array<{ sequence: number; printed: boolean; images: number }> };
    const job = printed.jobs.at(-1)!;
    expect(printed.jobs.length).toBe(before.jobs.length + 1);
    expect(job).toMatchObject({ printed: true });
    const png = Buffer.from(await (await fetch(`${service.url}/api/v1/control/printed/${job.sequence}.png`, { headers: { authorization: `Bearer ${service.controlToken}` } })).arrayBuffer());
    await writeFile(join(SHOTS, 'receipt-voucher-fa.png'), png);
    // What is on the paper scans to the signed payload of this very voucher.
    const image = await loadImage(png);
    const canvas = createCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height);
    const qr = jsQR(new Uint8ClampedArray(pixels.data), image.width, image.height);
    expect(qr?.data).toMatch(new RegExp(`^BG1\\.[a-z0-9-]+\\.${code.replace(/-/g, '')}\\.free-tea\\.`));
    // The POS can check it.
    const state = await api(`/api/v1/vouchers/${code}`);
    expect(state).toMatchObject({ status: 200, body: { state: 'active', rewardId: 'free-tea' } });
    await endSession();
  });

  it('switches to English and back to Persian at the next customer', async () => {
    await toEnglish();
    await shot('attract-en');
    await tap(DEMO_MEMBER_CARD);
    await screenIs('balance');
    expect(await page.textContent('[data-testid=points]')).toBe('300');
    expect(await page.textContent('.balance-box')).toContain('Your points');
    expect(await page.getAttribute('html', 'dir')).toBe('ltr');
    await shot('balance-en');
    await page.click('[data-testid=show-rewards]');
    await screenIs('rewards');
    await shot('rewards-en');
    await page.click('[data-reward="free-tea"]');
    await screenIs('confirm');
    await shot('confirm-en');
    await page.click('[data-testid=confirm]');
    await screenIs('done');
    await shot('done-en');
    await endSession();
    expect(await page.getAttribute('html', 'lang')).toBe('fa');
  });

  it('invites an unknown card to enrol, and explains reader trouble', async () => {
    for (const language of ['fa', 'en']) {
      if (language === 'en') await toEnglish();
      // The person's way in: the CLI, against the running demo.
      const cli = await run(process.execPath, [join(ROOT, 'dist/firmware/src/cli/main.js'), 'simulate', 'tap', 'nfc:0BADCAFE01', '--json'], { env: { ...process.env, BASHGAH_DATA_DIR: dataDir } });
      expect(JSON.parse(cli.stdout)).toEqual({ done: true, action: 'tap', card: 'nfc:0BADCAFE01' });
      await screenIs('unknown-card');
      expect(await page.textContent('[data-screen=unknown-card]')).toContain(language === 'fa' ? 'عضویت رایگان' : 'Joining is free');
      await shot(`unknown-card-${language}`);
      await endSession();
      if (language === 'en') await toEnglish();
      await control(service, { action: 'swipe', track: '%%%garbage' });
      await screenIs('reader-trouble');
      await shot(`reader-trouble-${language}`);
      await endSession();
    }
  });

  it('lets staff enrol a new card and record a purchase with the on-screen keypad', async () => {
    await tap(DEMO_STAFF_CARD);
    await screenIs('staff-pin');
    await shot('staff-pin-fa');
    for (const key of DEMO_STAFF_PIN) await page.click(`.keypad [data-key="${key}"]`);
    await page.click('[data-testid=pin-enter]');
    await screenIs('staff');
    await tap('nfc:0E0E0E0E01');
    await page.waitForSelector('.card-status.new');
    await page.click('[data-field=name]');
    for (const letter of 'رضا') await page.click(`.editor .letter:text-is("${letter}")`);
    await page.click('.editor .key.wide');
    for (const letter of 'کاظمی') await page.click(`.editor .letter:text-is("${letter}")`);
    await page.click('[data-testid=editor-ok]');
    await page.click('[data-field=phone]');
    for (const digit of '09123334455') await page.click(`.editor [data-key="${digit}"]`);
    await page.click('[data-testid=editor-ok]');
    await page.click('[data-field=birthday]');
    for (const digit of '13700101') await page.click(`.editor [data-key="${digit}"]`);
    await page.click('[data-testid=editor-ok]');
    await shot('staff-enrol-fa');
    await page.click('[data-testid=enrol-save]');
    await page.waitForSelector('[data-testid=notice]');
    expect(await page.textContent('[data-testid=notice]')).toContain('عضو جدید ثبت شد');

    await page.click('[data-tab=purchase]');
    await page.click('[data-field=amount]');
    for (const digit of '250000') await page.click(`.editor [data-key="${digit}"]`);
    await page.click('[data-testid=editor-ok]');
    await page.click('[data-testid=purchase-save]');
    await page.waitForFunction(() => document.querySelector('[data-testid=notice]')?.textContent?.includes('خرید ثبت شد'));
    await shot('staff-fa');

    const member = await api('/api/v1/members?card=nfc:0E0E0E0E01');
    expect(member).toMatchObject({ status: 200, body: { name: 'رضا کاظمی', phone: '09123334455', birthday: '1991-03-21' } });
    await page.click('button.btn:has-text("خروج")');
    await screenIs('attract');
  });

  it('works for staff in English: find a member by mobile and adjust points', async () => {
    await toEnglish();
    await tap(DEMO_STAFF_CARD);
    await screenIs('staff-pin');
    await shot('staff-pin-en');
    for (const key of DEMO_STAFF_PIN) await page.click(`.keypad [data-key="${key}"]`);
    await page.click('[data-testid=pin-enter]');
    await screenIs('staff');
    await page.click('[data-tab=find]');
    await page.click('[data-field=phone]');
    for (const digit of '09120000001') await page.click(`.editor [data-key="${digit}"]`);
    await page.click('[data-testid=editor-ok]');
    await page.click('[data-testid=find-go]');
    await page.waitForSelector('[data-testid=staff-member]');
    expect(await page.textContent('[data-testid=notice]')).toBe('Member found');
    await page.click('[data-tab=adjust]');
    await page.click('[data-field=points]');
    for (const digit of '500') await page.click(`.editor [data-key="${digit}"]`);
    await page.click('[data-testid=editor-ok]');
    await page.click('.choice >> nth=1');
    await page.click('[data-testid=adjust-save]');
    await page.waitForFunction(() => document.querySelector('[data-testid=notice]')?.textContent?.startsWith('Points adjusted'));
    expect(await buttonsHiddenOrCut()).toEqual([]);
    await shot('staff-en');
    const member = await api('/api/v1/members?phone=09120000001');
    expect(member.body.pointsBalance).toBe(650);
    await page.click('button.btn:has-text("Exit")');
    await screenIs('attract');
  });

  it('plays the survey and the daily game', async () => {
    for (const [language, card] of [['fa', DEMO_MEMBER_CARD], ['en', 'nfc:0E0E0E0E01']] as const) {
      if (language === 'en') await toEnglish();
      await tap(card);
      await screenIs('balance');
      expect(await buttonsHiddenOrCut()).toEqual([]);
      await page.click('[data-testid=start-survey]');
      await screenIs('survey');
      // The configured wording in the customer's language, not the built-in one.
      await expect(page.textContent('[data-testid=csat-question]')).resolves.toBe(SURVEY_QUESTIONS.csat[language]);
      await expect(page.textContent('[data-testid=nps-question]')).resolves.toBe(SURVEY_QUESTIONS.nps[language]);
      await page.click('[data-question=csat] [data-value="5"]');
      await page.click('[data-question=nps] [data-value="9"]');
      expect(await buttonsHiddenOrCut()).toEqual([]);
      await shot(`survey-${language}`);
      await page.click('[data-testid=survey-send]');
      await page.waitForSelector('[data-testid=customer-notice]');
      expect(await page.$('[data-testid=start-survey]')).toBeNull();
      await shot(`balance-after-survey-${language}`);
      await page.click('[data-testid=play-game]');
      await screenIs('game');
      await page.waitForTimeout(600); // let the reveal animation finish for the screenshot
      await shot(`game-${language}`);
      await page.click('button.btn:has-text("بازگشت"), button.btn:has-text("Back")');
      await screenIs('balance');
      expect(await page.$('[data-testid=play-game]')).toBeNull();
      await endSession();
    }
  });

  it('lets staff replace a lost card; the old card then shows as blocked', async () => {
    await tap(DEMO_STAFF_CARD);
    await screenIs('staff-pin');
    for (const key of DEMO_STAFF_PIN) await page.click(`.keypad [data-key="${key}"]`);
    await page.click('[data-testid=pin-enter]');
    await screenIs('staff');
    await page.click('[data-tab=find]');
    await page.click('[data-field=phone]');
    for (const digit of '09123334455') await page.click(`.editor [data-key="${digit}"]`);
    await page.click('[data-testid=editor-ok]');
    await page.click('[data-testid=find-go]');
    await page.waitForSelector('[data-testid=staff-member]');
    await tap('nfc:0E0E0E0E02');
    await page.waitForSelector('.card-status.new');
    await page.click('[data-tab=replace]');
    await page.click('.choice:text-is("nfc:0E0E0E0E01")');
    await page.click('button.btn:has-text("جایگزینی کارت گم‌شده")');
    await page.waitForFunction(() => document.querySelector('[data-testid=notice]')?.textContent?.includes('مسدود'));
    await page.click('button.btn:has-text("خروج")');
    await screenIs('attract');
    const member = await api('/api/v1/members?card=nfc:0E0E0E0E02');
    expect(member.body.phone).toBe('09123334455');
    for (const language of ['fa', 'en']) {
      if (language === 'en') await toEnglish();
      await tap('nfc:0E0E0E0E01');
      await screenIs('blocked-card');
      await shot(`blocked-card-${language}`);
      await endSession();
    }
  });

  it('keeps the voucher and says so when the printer has no paper', async () => {
    await control(service, { action: 'paper', state: 'out' });
    for (const language of ['fa', 'en']) {
      if (language === 'en') await toEnglish();
      await tap(DEMO_MEMBER_CARD);
      await screenIs('balance');
      await page.click('[data-testid=show-rewards]');
      await page.click('[data-reward="free-tea"]');
      await screenIs('confirm');
      await page.click('[data-testid=confirm]');
      await screenIs('printer-trouble');
      const code = (await page.textContent('[data-testid=voucher-code]'))!;
      expect((await api(`/api/v1/vouchers/${code}`)).body.state).toBe('active');
      expect(await buttonsHiddenOrCut()).toEqual([]);
      await shot(`printer-trouble-${language}`);
      await endSession();
    }
    await control(service, { action: 'paper', state: 'in' });
  });

  it('clears the balance after the idle timeout', async () => {
    await tap(DEMO_MEMBER_CARD);
    await screenIs('balance');
    expect(await page.textContent('[data-testid=countdown]')).toMatch(/[۱-۵]/);
    await screenIs('attract');
    expect(await page.textContent('body')).not.toContain('سارا');
    expect(await page.$('[data-testid=points]')).toBeNull();
  });

  it('shows that it is reconnecting while the service restarts, then works again', async () => {
    await service.stop();
    await page.waitForSelector('#banner:not([hidden])');
    expect(await page.textContent('#banner')).toContain('در حال اتصال دوباره');
    await shot('reconnecting-fa');
    service = await startDemo({ port, dataDir, configPath, posToken: POS_TOKEN });
    await page.waitForSelector('#banner', { state: 'hidden', timeout: 15_000 });
    await tap(DEMO_MEMBER_CARD);
    await screenIs('balance');
    await endSession();
  });

  it('fits the common Pi screens', async () => {
    for (const [width, height] of [[800, 480], [1280, 800], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await tap(DEMO_MEMBER_CARD);
      await screenIs('balance');
      expect(await buttonsHiddenOrCut()).toEqual([]);
      await shot(`balance-fa-${width}x${height}`);
      await page.click('[data-testid=show-rewards]');
      await screenIs('rewards');
      expect(await buttonsHiddenOrCut()).toEqual([]);
      await shot(`rewards-fa-${width}x${height}`);
      await page.click('button.btn:has-text("بازگشت")');
      await screenIs('balance');
      await endSession();
    }
    await page.setViewportSize({ width: 1024, height: 600 });
  });
});
