import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/** The compiled render script, as a person runs it to refresh docs/receipts. */
const run = promisify(execFile);
let outputDir = '';
afterAll(async () => {
  if (outputDir !== '') await rm(outputDir, { recursive: true, force: true });
});

describe('scripts/render-receipts', () => {
  it('writes the Persian and English, voucher and balance, 58 and 80 mm receipts as PNGs', async () => {
    outputDir = await mkdtemp(join(tmpdir(), 'bashgah-receipts-'));
    await run(process.execPath, ['dist/scripts/render-receipts.js', outputDir], { timeout: 60_000 });
    const files = (await readdir(outputDir)).sort();
    expect(files).toHaveLength(10);
    for (const kind of ['voucher', 'balance']) {
      for (const language of ['fa', 'en']) {
        for (const [widthMm, widthDots] of [[58, 384], [80, 576]] as const) {
          const png = await readFile(join(outputDir, `${kind}-${language}-${widthMm}mm.png`));
          expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
          expect(png.readUInt32BE(16)).toBe(widthDots); // IHDR width
        }
      }
    }
    expect(files).toContain('voucher-fa-80mm-as-printed.png');
  });
});
