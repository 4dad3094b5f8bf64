import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EscPosReceiptPrinter, type EscPosPrinterSettings } from '../../hardware/printer/escpos-printer.js';
import { EscPosTransport } from '../../hardware/printer/escpos/transport.js';
import { encodeGsV0 } from '../../hardware/printer/escpos/raster-encoder.js';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { canvasMeasure, renderReceipt } from '../../hardware/printer/render/paint.js';
import { layoutReceipt } from '../../hardware/printer/render/layout.js';
import { sampleVoucherReceipt } from '../../hardware/printer/samples.js';
import { FakeEscPosPrinter } from '../../hardware/printer/simulated/fake-escpos-printer.js';

/**
 * Receipt printing benchmark: rendering a Persian voucher receipt (58 and 80 mm), turning it
 * into printer commands, and printing it through the real driver to the fake TCP printer
 * (render + status query + send + confirmation + durable spool writes). The English receipt
 * rendered in the same run is the peer the ratios are taken against.
 * Usage: node dist/scripts/bench/printer.js [runs=30]
 */
interface Row {
  name: string;
  samplesMs: number[];
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

async function measure(name: string, runs: number, body: (run: number) => unknown): Promise<Row> {
  await body(-1); // warm-up: fonts, JIT, first connection
  const samplesMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await body(run);
    samplesMs.push(performance.now() - started);
  }
  return { name, samplesMs };
}

async function main(): Promise<void> {
  const runs = Math.max(5, Math.min(1000, Number(process.argv[2] ?? 30) || 30));
  const rows: Row[] = [];
  const fa = sampleVoucherReceipt('fa');
  const en = sampleVoucherReceipt('en');
  const measureText = canvasMeasure();

  rows.push(await measure('render en voucher 58 mm (peer)', runs, () => renderReceipt(en, { widthDots: 384, timeZone: 'Asia/Tehran' })));
  rows.push(await measure('layout only, fa voucher 58 mm', runs, () => layoutReceipt(fa, { widthDots: 384, timeZone: 'Asia/Tehran', measure: measureText })));
  rows.push(await measure('render fa voucher 58 mm', runs, () => renderReceipt(fa, { widthDots: 384, timeZone: 'Asia/Tehran' })));
  rows.push(await measure('render fa voucher 80 mm', runs, () => renderReceipt(fa, { widthDots: 576, timeZone: 'Asia/Tehran' })));
  const png80 = renderReceipt(fa, { widthDots: 576, timeZone: 'Asia/Tehran' }).png;
  for (const model of ['epson', 'star'] as const) {
    const transport = new EscPosTransport({ model, interface: 'tcp://127.0.0.1:9', statusQuery: 'dle-eot', timeoutMs: 3000 });
    rows.push(await measure(`encode 80 mm raster, ${model} (node-thermal-printer)`, runs, () => transport.encodeJob(png80)));
  }
  const image = await loadImage(png80);
  const context = createCanvas(image.width, image.height).getContext('2d');
  context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, image.width, image.height).data;
  rows.push(await measure('encode 80 mm raster, epson (typed arrays)', runs, () => encodeGsV0(rgba, image.width, image.height)));

  const fake = new FakeEscPosPrinter();
  await fake.start();
  const spoolRoot = await mkdtemp(join(tmpdir(), 'bashgah-bench-printer-'));
  try {
    for (const paperWidthMm of [58, 80] as const) {
      const settings: EscPosPrinterSettings = {
        model: 'epson', interface: fake.uri, paperWidthMm, statusQuery: 'auto', timeZone: 'Asia/Tehran', timeoutMs: 3000,
        retryInitialDelayMs: 1000, retryMaxDelayMs: 30_000, idleStatusPollMs: 60_000, spoolMaxJobs: 500, historyMaxJobs: 50,
      };
      const printer = await EscPosReceiptPrinter.open({ settings, spoolDir: join(spoolRoot, String(paperWidthMm)) });
      rows.push(
        await measure(`print fa voucher ${paperWidthMm} mm over TCP`, runs, async (run) => {
          const outcome = await printer.print(sampleVoucherReceipt('fa', `bench-${paperWidthMm}-${run}`));
          if (outcome.state !== 'printed') throw new Error(`benchmark job not printed: ${outcome.reason ?? ''}`);
        }),
      );
      await printer.close();
    }
  } finally {
    await fake.close();
    await rm(spoolRoot, { recursive: true, force: true });
  }

  const peer = rows[0]!;
  const peerP50 = percentile([...peer.samplesMs].sort((a, b) => a - b), 0.5);
  const nameWidth = Math.max(...rows.map((row) => row.name.length));
  process.stdout.write(`printer benchmark, ${runs} runs each, Node ${process.version}, ${process.arch}\n\n`);
  process.stdout.write(`${'operation'.padEnd(nameWidth)}  ${'p50 ms'.padStart(8)}  ${'p95 ms'.padStart(8)}  ${'max ms'.padStart(8)}  ${'p50 ÷ peer'.padStart(10)}\n`);
  for (const row of rows) {
    const sorted = [...row.samplesMs].sort((a, b) => a - b);
    const p50 = percentile(sorted, 0.5);
    const cells = [p50, percentile(sorted, 0.95), sorted[sorted.length - 1] ?? Number.NaN].map((value) => value.toFixed(2).padStart(8));
    process.stdout.write(`${row.name.padEnd(nameWidth)}  ${cells.join('  ')}  ${(p50 / peerP50).toFixed(2).padStart(10)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/printer: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
