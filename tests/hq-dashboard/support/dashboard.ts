import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildHqApp } from '../../../sync/hq/app.js';
import { closeGracefully } from '../../../sync/hq/server.js';
import { openPostgres, type Db } from '../../../sync/hq/db.js';
import { migrateHq } from '../../../sync/hq/schema.js';
import { createDatabase, startTempPostgres, type TempPostgres } from '../../../sync/hq/dev/temp-postgres.js';
import { ADMIN_TOKEN } from '../../sync/support/hq.js';
import { addTestStaff, TEST_PASSWORD } from './staff.js';

export { STAFF, TEST_PASSWORD } from './staff.js';
export { ADMIN_TOKEN };

/**
 * The dashboard as staff meet it, for browser tests of every slice: a real PostgreSQL server
 * (Debian's, in a temp dir), the head office app listening on 127.0.0.1, staff users of each
 * role (see STAFF), and Chromium driven by playwright-core.
 */
export const CHROMIUM_OPTIONS = {
  executablePath: process.env.BASHGAH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=fa-IR'],
};

export const LAPTOP = { width: 1366, height: 860 } as const;
export const TABLET = { width: 820, height: 1180 } as const;

export interface RealDashboard {
  url: string;
  app: FastifyInstance;
  db: Db;
  browser: Browser;
  /** A fresh browser context (own cookies) and page. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startRealDashboard(): Promise<RealDashboard> {
  const stack: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const step of stack.reverse()) await step().catch(() => undefined);
    stack.length = 0;
  };
  try {
    const postgres: TempPostgres = await startTempPostgres({ fsync: false, maxConnections: 40 });
    stack.push(() => postgres.stop());
    const db = await openPostgres(await createDatabase(postgres.url, 'dashboard'), 10);
    stack.push(() => db.close());
    await migrateHq(db);
    await addTestStaff(db);
    const app = await buildHqApp({ db, adminToken: ADMIN_TOKEN });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    stack.push(() => closeGracefully(app, 50));
    const browser = await chromium.launch(CHROMIUM_OPTIONS);
    stack.push(() => browser.close());
    return {
      url,
      app,
      db,
      browser,
      async newPage(viewport = LAPTOP) {
        const context = await browser.newContext({ viewport, locale: 'fa-IR', timezoneId: 'Asia/Tehran' });
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Opens the dashboard at `url` and signs in through the form; resolves when the shell shows. */
export async function signInInBrowser(page: Page, url: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(url);
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('current-user').waitFor();
}

/** Sets the language through the toggle (it is remembered in localStorage). */
export async function useLanguage(page: Page, language: 'fa' | 'en'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.lang);
  if (current !== language) {
    await page.getByTestId('lang-toggle').click();
    await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language);
  }
}

/** True when the page is wider than the window (something does not fit a tablet). */
export const overflowsHorizontally = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
