import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EscPosReceiptPrinter } from '../hardware/printer/escpos-printer.js';
import { FakeEscPosPrinter } from '../hardware/printer/simulated/fake-escpos-printer.js';
import { rasterToPng } from '../hardware/printer/simulated/raster-png.js';
import { renderReceipt } from '../hardware/printer/render/paint.js';
import { sampleBalanceReceipt, sampleVoucherReceipt } from '../hardware/printer/samples.js';

/**
 * Renders the sample receipts (Persian and English, voucher and balance, 58 and 80 mm) to
 * docs/receipts/*.png so a person can look at what the printer will print.
 * It also prints the Persian voucher through the real driver to the simulated printer and saves
 * the raster it received (`*-as-printed.png`): the hard black-and-white threshold a thermal
 * head applies, i.e. what the customer holds.
 * Usage: node dist/scripts/render-receipts.js [output directory]
 */
async function main(): Promise<void> {
  const outputDir = resolve(process.argv[2] ?? 'docs/receipts');
  await mkdir(outputDir, { recursive: true });
  for (const language of ['fa', 'en'] as const) {
    for (const receipt of [sampleVoucherReceipt(language), sampleBalanceReceipt(language)]) {
      for (const widthMm of [58, 80] as const) {
        const rendered = renderReceipt(receipt, { widthDots: widthMm === 58 ? 384 : 576, timeZone: 'Asia/Tehran' });
        const file = join(outputDir, `${receipt.kind}-${language}-${widthMm}mm.png`);
        await writeFile(file, rendered.png);
        process.stdout.write(`${file}  ${rendered.widthDots}×${rendered.heightDots} dots\n`);
      }
    }
  }
  await printThroughSimulator(outputDir);
}

async function printThroughSimulator(outputDir: string): Promise<void> {
  const fake = new FakeEscPosPrinter();
  await fake.start();
  const spoolDir = await mkdtemp(join(tmpdir(), 'bashgah-render-'));
  try {
    for (const paperWidthMm of [58, 80] as const) {
      const printer = await EscPosReceiptPrinter.open({
        settings: {
          model: 'epson', interface: fake.uri, paperWidthMm, statusQuery: 'auto', timeZone: 'Asia/Tehran', timeoutMs: 3000,
          retryInitialDelayMs: 1000, retryMaxDelayMs: 30_000, idleStatusPollMs: 60_000, spoolMaxJobs: 10, historyMaxJobs: 10,
        },
        spoolDir: join(spoolDir, String(paperWidthMm)),
      });
      const outcome = await printer.print(sampleVoucherReceipt('fa', `as-printed-${paperWidthMm}`));
      await printer.close();
      const image = fake.printedJobs().at(-1)?.images[0];
      if (outcome.state !== 'printed' || image === undefined) throw new Error(`the simulated printer did not print: ${outcome.reason ?? ''}`);
      const file = join(outputDir, `voucher-fa-${paperWidthMm}mm-as-printed.png`);
      await writeFile(file, rasterToPng(image));
      process.stdout.write(`${file}  ${image.widthDots}×${image.heightDots} dots, decoded from the GS v 0 raster\n`);
    }
  } finally {
    await fake.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`render-receipts: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
