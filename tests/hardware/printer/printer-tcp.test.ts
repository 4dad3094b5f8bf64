import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EscPosReceiptPrinter, type EscPosPrinterSettings } from '../../../hardware/printer/escpos-printer.js';
import { rasterToRgba, type RasterImage } from '../../../hardware/printer/escpos/escpos-parser.js';
import { sampleBalanceReceipt, sampleVoucherReceipt } from '../../../hardware/printer/samples.js';
import { FakeEscPosPrinter } from '../../../hardware/printer/simulated/fake-escpos-printer.js';
import { rasterToPng } from '../../../hardware/printer/simulated/raster-png.js';
import type { PrinterStatus } from '../../../hardware/printer/types.js';

/**
 * The real driver (node-thermal-printer underneath) printing over TCP to the fake ESC/POS
 * printer: what reaches "paper" is decoded back into an image and its QR code read with jsQR.
 */
const SETTINGS: EscPosPrinterSettings = {
  model: 'epson', interface: 'tcp://127.0.0.1:9', paperWidthMm: 80, statusQuery: 'auto', timeZone: 'Asia/Tehran',
  timeoutMs: 1500, retryInitialDelayMs: 40, retryMaxDelayMs: 200, idleStatusPollMs: 300, spoolMaxJobs: 20, historyMaxJobs: 5,
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
let workDir = '';
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'bashgah-printer-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
});
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startFake(model: 'epson' | 'star' = 'epson'): Promise<FakeEscPosPrinter> {
  const fake = new FakeEscPosPrinter({ model });
  await fake.start();
  cleanups.push(() => fake.close());
  return fake;
}

async function openDriver(fake: FakeEscPosPrinter, overrides: Partial<EscPosPrinterSettings> = {}): Promise<EscPosReceiptPrinter> {
  const printer = await EscPosReceiptPrinter.open({ settings: { ...SETTINGS, interface: fake.uri, ...overrides }, spoolDir: join(workDir, 'spool') });
  cleanups.push(() => printer.close());
  return printer;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// jsqr is CommonJS with `exports.default`: under NodeNext the default import is the module object.
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

function readQr(image: RasterImage): string | undefined {
  return jsQR(rasterToRgba(image), image.widthDots, image.heightDots)?.data;
}

function blackShare(image: RasterImage): number {
  return image.dots.reduce((sum, dot) => sum + dot, 0) / image.dots.length;
}

const spoolFiles = async (): Promise<string[]> => (await readdir(join(workDir, 'spool', 'queue'))).filter((name) => name.endsWith('.json'));

describe('ESC/POS driver over TCP against the fake printer', () => {
  it('prints a Persian voucher whose printed QR code reads back as the payload', async () => {
    const fake = await startFake();
    const printer = await openDriver(fake);
    const receipt = sampleVoucherReceipt('fa', 'voucher-1');
    expect(await printer.print(receipt)).toEqual({ jobId: 'voucher-1', state: 'printed' });
    const [job] = fake.printedJobs();
    expect(job?.cut).toBe(true);
    expect(job?.images).toHaveLength(1);
    const image = job?.images[0] as RasterImage;
    expect(image.widthDots).toBe(576);
    expect(blackShare(image)).toBeGreaterThan(0.02);
    expect(readQr(image)).toBe(receipt.voucher?.qrPayload);
    await writeFile(join(workDir, 'printed.png'), rasterToPng(image)); // encodes without error
    expect(printer.status()).toMatchObject({ state: 'ok', paper: 'ok', queuedJobs: 0 });
    expect(await spoolFiles()).toEqual([]);
  });

  it('prints a job id once, and again only when asked to reprint', async () => {
    const fake = await startFake();
    const printer = await openDriver(fake, { paperWidthMm: 58 });
    const receipt = sampleBalanceReceipt('en', 'balance-7');
    await printer.print(receipt);
    expect(await printer.print(receipt)).toEqual({ jobId: 'balance-7', state: 'printed' });
    expect(fake.printedJobs()).toHaveLength(1);
    expect(await printer.reprint('balance-7')).toEqual({ jobId: 'balance-7', state: 'printed' });
    expect(fake.printedJobs()).toHaveLength(2);
    expect(fake.printedJobs()[1]?.images[0]?.widthDots).toBe(384);
    await expect(printer.reprint('never-printed')).rejects.toThrow(/no recent print job/);
  });

  it('keeps a job on disk while the paper is out and prints it exactly once when paper is back', async () => {
    const fake = await startFake();
    const printer = await openDriver(fake);
    const statuses: PrinterStatus[] = [];
    printer.on('status', (status) => statuses.push(status as PrinterStatus));
    fake.setPaper('out');
    const receipt = sampleVoucherReceipt('fa', 'voucher-out');
    const outcome = await printer.print(receipt);
    expect(outcome.state).toBe('queued');
    expect(outcome.reason).toMatch(/out of paper/);
    expect(await spoolFiles()).toHaveLength(1);
    expect(printer.queued().map((queued) => queued.jobId)).toEqual(['voucher-out']);
    expect(printer.status()).toMatchObject({ state: 'offline', paper: 'out', queuedJobs: 1 });
    expect(fake.printedJobs()).toHaveLength(0);

    fake.setPaper('ok');
    await waitFor(() => fake.printedJobs().length === 1, 'the queued job to print');
    await waitFor(() => printer.queued().length === 0, 'the queue to empty');
    await new Promise((resolve) => setTimeout(resolve, 500)); // several retry periods: no second copy
    expect(fake.printedJobs()).toHaveLength(1);
    expect(readQr(fake.printedJobs()[0]?.images[0] as RasterImage)).toBe(receipt.voucher?.qrPayload);
    expect(await spoolFiles()).toEqual([]);
    expect(statuses.map((status) => status.state)).toContain('offline');
    expect(printer.status().state).toBe('ok');
  });

  it.each(['auto', 'dle-eot'] as const)('prints again a job during which the paper ran out (status query %s)', async (statusQuery) => {
    const fake = await startFake();
    const printer = await openDriver(fake, { statusQuery });
    fake.runOutOfPaperAfter(5000);
    const outcome = await printer.print(sampleVoucherReceipt('en', 'voucher-mid'));
    expect(outcome).toMatchObject({ state: 'queued', reason: expect.stringMatching(/ran out while a receipt was printing/) });
    expect(fake.jobs()).toHaveLength(1);
    expect(fake.jobs()[0]?.printed).toBe(false);
    fake.setPaper('ok');
    await waitFor(() => fake.printedJobs().length === 1, 'the job to be printed again');
    await waitFor(() => printer.queued().length === 0, 'the queue to empty');
  });

  it('reports near-end paper as degraded and still prints', async () => {
    const fake = await startFake();
    const printer = await openDriver(fake, { statusQuery: 'gs-r' });
    fake.setPaper('near-end');
    expect((await printer.print(sampleBalanceReceipt('fa', 'b-low'))).state).toBe('printed');
    expect(printer.status()).toMatchObject({ state: 'degraded', paper: 'near-end' });
  });

  it('queues while the printer cannot be reached and prints once it is back', async () => {
    const fake = await startFake();
    const printer = await openDriver(fake);
    await fake.setOnline(false);
    const outcome = await printer.print(sampleVoucherReceipt('fa', 'voucher-offline'));
    expect(outcome).toMatchObject({ state: 'queued', reason: expect.stringMatching(/cannot reach the printer/) });
    expect(printer.status().state).toBe('offline');
    await fake.setOnline(true);
    await waitFor(() => fake.printedJobs().length === 1, 'the job after the printer came back');
    await waitFor(() => printer.status().state === 'ok' && printer.queued().length === 0, 'status ok and an empty queue');
  });

  it('picks up queued jobs after a restart and prints each once, oldest first', async () => {
    const fake = await startFake();
    const first = await openDriver(fake);
    fake.setPaper('out');
    expect((await first.print(sampleVoucherReceipt('fa', 'r-1'))).state).toBe('queued');
    expect((await first.print(sampleBalanceReceipt('en', 'r-2'))).state).toBe('queued');
    await first.close();

    const second = await openDriver(fake);
    expect(second.queued().map((receipt) => receipt.jobId)).toEqual(['r-1', 'r-2']);
    fake.setPaper('ok');
    await waitFor(() => fake.printedJobs().length === 2, 'both spooled jobs');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(fake.printedJobs()).toHaveLength(2);
    expect(readQr(fake.printedJobs()[0]?.images[0] as RasterImage)).toBe(sampleVoucherReceipt('fa').voucher?.qrPayload);
    expect(second.queued()).toEqual([]);
    // The printed jobs are remembered across restarts too: printing them again is a no-op.
    await second.close();
    const third = await openDriver(fake);
    expect(await third.print(sampleBalanceReceipt('en', 'r-2'))).toEqual({ jobId: 'r-2', state: 'printed' });
    expect(fake.printedJobs()).toHaveLength(2);
  });

  it('prints through the STAR command set too', async () => {
    const fake = await startFake('star');
    const printer = await openDriver(fake, { model: 'star', paperWidthMm: 58 });
    const receipt = sampleVoucherReceipt('en', 'star-1');
    expect((await printer.print(receipt)).state).toBe('printed');
    const image = fake.printedJobs()[0]?.images[0] as RasterImage;
    expect(image.widthDots).toBe(384);
    expect(readQr(image)).toBe(receipt.voucher?.qrPayload);
  });

  it('survives garbage from a stranger on its port and keeps printing', async () => {
    const { connect } = await import('node:net');
    const fake = await startFake();
    const garbage: unknown[] = [];
    fake.on('garbage', (error) => garbage.push(error));
    await new Promise<void>((resolve, reject) => {
      const socket = connect(fake.port, '127.0.0.1', () => socket.end(Buffer.from([0x1d, 0x76, 0x30, 0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    expect(garbage).toHaveLength(1);
    const printer = await openDriver(fake);
    expect((await printer.print(sampleBalanceReceipt('fa', 'after-garbage'))).state).toBe('printed');
  });

  it('prints a job it cannot spool (spool full) directly, and refuses only if it cannot print either', async () => {
    const fake = await startFake();
    const printer = await openDriver(fake, { spoolMaxJobs: 1, retryInitialDelayMs: 60_000, idleStatusPollMs: 60_000 });
    fake.setPaper('out');
    expect((await printer.print(sampleBalanceReceipt('en', 'fills-the-spool'))).state).toBe('queued');
    await expect(printer.print(sampleVoucherReceipt('fa', 'no-room'))).rejects.toThrow(/neither kept \(the print spool holds 1 jobs.*\) nor printed \(out of paper\)/);
    fake.setPaper('ok');
    expect(await printer.print(sampleVoucherReceipt('fa', 'direct'))).toEqual({ jobId: 'direct', state: 'printed' });
    expect(readQr(fake.printedJobs()[0]?.images[0] as RasterImage)).toBe(sampleVoucherReceipt('fa').voucher?.qrPayload);
    await waitFor(() => printer.queued().length === 0, 'the spooled job to follow');
    expect(fake.printedJobs()).toHaveLength(2);
  });

  it('refuses an invalid receipt without queueing it', async () => {
    const fake = await startFake();
    const printer = await openDriver(fake);
    const bad = { ...sampleVoucherReceipt('fa', 'bad'), voucher: { code: 'X', qrPayload: 'کد', expiresAtMs: 0 } };
    await expect(printer.print(bad)).rejects.toThrow(/invalid receipt/);
    expect(printer.queued()).toEqual([]);
  });
});

describe('ESC/POS driver on a device file', () => {
  it('reports a missing device as absent without creating it, queues, and prints once it appears', async () => {
    const { EscPosStreamParser } = await import('../../../hardware/printer/escpos/escpos-parser.js');
    const { access, readFile } = await import('node:fs/promises');
    const device = join(workDir, 'lp0');
    const printer = await EscPosReceiptPrinter.open({ settings: { ...SETTINGS, interface: device }, spoolDir: join(workDir, 'spool') });
    cleanups.push(() => printer.close());
    const receipt = sampleVoucherReceipt('en', 'usb-1');
    const outcome = await printer.print(receipt);
    expect(outcome).toMatchObject({ state: 'queued', reason: expect.stringMatching(/not there/) });
    expect(printer.status()).toMatchObject({ state: 'absent', paper: 'unknown' });
    await expect(access(device)).rejects.toThrow(/ENOENT/);

    await writeFile(device, ''); // the printer is plugged in
    await waitFor(() => printer.queued().length === 0 && printer.status().state === 'ok', 'the job to reach the device');
    const commands = new EscPosStreamParser('epson').push(await readFile(device));
    const raster = commands.find((command) => command.kind === 'raster');
    expect(raster?.kind === 'raster' && readQr(raster.image)).toBe(receipt.voucher?.qrPayload);
    expect(commands.filter((command) => command.kind === 'cut')).toHaveLength(1);
    expect(printer.status()).toMatchObject({ state: 'ok', paper: 'unknown' });
  });
});
