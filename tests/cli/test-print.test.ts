import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeEscPosPrinter } from '../../hardware/printer/simulated/fake-escpos-printer.js';
import { kioskTree, runCli, type KioskTree } from './support.js';

// A printer reached over TCP: the real ESC/POS driver talks to the fake network printer.
let tree: KioskTree;
let printer: FakeEscPosPrinter;
const spools = () => readdirSync(tmpdir()).filter((name) => name.startsWith('bashgah-test-print-')).length;

beforeAll(async () => {
  tree = await kioskTree('print');
  printer = new FakeEscPosPrinter();
  await printer.start();
});
afterAll(async () => {
  await printer.close();
  tree.remove();
});
beforeEach(async () => {
  printer.setPaper('ok');
  await printer.setOnline(true);
  tree.writeConfig({ hardware: { printer: { driver: 'escpos', interface: printer.uri, timeoutMs: 1000, retryInitialDelayMs: 60_000 } } });
});

describe('bashgah test-print', () => {
  it('prints a test receipt on the configured printer', async () => {
    const before = printer.printedJobs().length;
    const spoolsBefore = spools();
    const result = await runCli(['test-print', '--json'], tree.env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, jobId: expect.stringMatching(/^test-print-\d+$/), printer: printer.uri, paper: 'ok' });
    expect(printer.printedJobs()).toHaveLength(before + 1);
    expect(printer.printedJobs().at(-1)!.images.length).toBeGreaterThan(0);
    expect(spools()).toBe(spoolsBefore);
    expect((await runCli(['test-print'], tree.env)).stdout).toMatch(/^printed\s+test-print-\d+\nprinter\s+tcp:\/\/127\.0\.0\.1:\d+\npaper\s+ok\n$/);
  });

  it('says why when nothing could be printed, and keeps no job for later', async () => {
    printer.setPaper('out');
    const before = printer.printedJobs().length;
    const spoolsBefore = spools();
    const out = await runCli(['test-print', '--json'], tree.env);
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout).error).toMatch(/^not printed: .*paper/i);
    expect(spools()).toBe(spoolsBefore);
    printer.setPaper('ok');
    await printer.setOnline(false);
    const off = await runCli(['test-print'], tree.env);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/bashgah test-print: not printed: /);
    await printer.setOnline(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(printer.printedJobs()).toHaveLength(before);
  });

  it('refuses without a printer or with stray arguments', async () => {
    tree.writeConfig({ hardware: { printer: { driver: 'none' } } });
    const none = await runCli(['test-print'], tree.env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no printer is configured/);
    expect((await runCli(['test-print', 'now'], tree.env)).code).toBe(2);
  });
});
