/**
 * Kiosk latency: from a reader event to the balance on screen in a real browser.
 *
 *   node dist/scripts/bench/kiosk.js [--iterations 200] [--json]
 *
 * Runs the whole kiosk in-process (real ledger and loyalty engine on a temp directory, the
 * simulated reader, the HTTP/WebSocket server on a free loopback port) and Debian's Chromium.
 * Each iteration taps a member card on the simulated reader and records, with the browser's
 * and Node's common wall clock (performance.timeOrigin + now()):
 *   - delivered: the balance delta arriving on the browser's WebSocket,
 *   - rendered:  the balance screen in the DOM at the next animation frame (what a person sees),
 * and, as a peer measured in the same run, the POS API answering the same lookup over HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { parseConfig } from '../../firmware/src/config/load.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { composeKiosk } from '../../firmware/src/kiosk/compose.js';

const CARD = 'nfc:BE0C4000';
const TOKEN = 'bench-pos-token-0123456789';

/**
 * Runs in the page before the kiosk UI loads (plain JS: this script is compiled without the
 * DOM library). It stamps the balance delta's arrival and the next frame after the balance
 * screen enters the DOM.
 */
const PAGE_PROBE = `
  window.__deliveredAt = [];
  window.__renderedAt = [];
  const stamp = () => performance.timeOrigin + performance.now();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (String(event.data).includes('"name":"balance"')) window.__deliveredAt.push(stamp());
      });
    }
  };
  new MutationObserver(() => {
    if (document.querySelector('[data-screen="balance"]') && window.__renderedAt.length === 0) {
      requestAnimationFrame(() => window.__renderedAt.push(stamp()));
    }
  }).observe(document, { childList: true, subtree: true });
`;

const wallNow = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], share: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return sorted[index]!;
}

function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), mean, n: sorted.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200' }, json: { type: 'boolean', default: false } } });
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 5 || iterations > 10_000) throw new Error('--iterations must be 5..10000');

  const dataDir = await mkdtemp(join(tmpdir(), 'bashgah-bench-kiosk-'));
  const config = parseConfig({
    http: { host: '127.0.0.1', port: 0 },
    tokens: [{ name: 'bench', token: TOKEN, role: 'pos' }],
    hardware: { printer: { driver: 'none' }, indicator: { driver: 'simulated' } },
  });
  const kiosk = await composeKiosk({ config, dataDir, logger: createLogger({ level: 'silent' }) });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const { url } = await kiosk.listen();
    const member = await kiosk.club.createMember({ name: 'بنچ مارک', phone: '09129876543', card: CARD }, { kind: 'system', id: 'bench' });
    await kiosk.club.adjustPoints(member.memberId, 500, 'bench', { kind: 'system', id: 'bench' });
    const page = await browser.newPage({ viewport: { width: 1024, height: 600 } });
    await page.addInitScript({ content: PAGE_PROBE });
    await page.goto(url);
    await page.waitForSelector('[data-screen="attract"]');

    const delivered: number[] = [];
    const rendered: number[] = [];
    const http: number[] = [];
    const reader = kiosk.simulated.reader!;
    for (let index = 0; index < iterations + 5; index++) {
      await page.evaluate('window.__deliveredAt = []; window.__renderedAt = [];');
      const tappedAt = wallNow();
      reader.tap(CARD);
      await page.waitForFunction('window.__renderedAt.length > 0', undefined, { polling: 'raf' });
      const marks = await page.evaluate<{ delivered: number; rendered: number }>('({ delivered: window.__deliveredAt[0], rendered: window.__renderedAt[0] })');
      const httpStarted = wallNow();
      const response = await fetch(`${url}/api/v1/members?card=${CARD}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      await response.arrayBuffer();
      const httpMs = wallNow() - httpStarted;
      if (index >= 5) {
        // The first few warm up the JIT and the browser's font cache.
        delivered.push(marks.delivered - tappedAt);
        rendered.push(marks.rendered - tappedAt);
        http.push(httpMs);
      }
      await kiosk.runtime.execute('session.end', {});
      await page.waitForSelector('[data-screen="attract"]');
    }

    const rows = {
      'reader event → balance on screen (browser, next frame)': summarise(rendered),
      'reader event → balance delta received by the browser': summarise(delivered),
      'peer: POS API GET /members?card (HTTP round trip)': summarise(http),
    };
    const ratio = rows['reader event → balance on screen (browser, next frame)'].p50 / rows['peer: POS API GET /members?card (HTTP round trip)'].p50;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ iterations, rows, ratioRenderedToHttpP50: ratio })}\n`);
      return;
    }
    const fmt = (value: number) => value.toFixed(2).padStart(8);
    const width = Math.max(...Object.keys(rows).map((name) => name.length));
    const lines = [
      `kiosk latency, ${iterations} taps (ms)`,
      `${'measure'.padEnd(width)}      p50      p95      p99     mean`,
      ...Object.entries(rows).map(([name, row]) => `${name.padEnd(width)} ${fmt(row.p50)} ${fmt(row.p95)} ${fmt(row.p99)} ${fmt(row.mean)}`),
      `ratio (on screen p50 / HTTP lookup p50): ${ratio.toFixed(2)}x`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    await kiosk.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/kiosk: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
