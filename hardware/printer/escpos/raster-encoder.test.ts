import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { renderReceipt } from '../render/paint.js';
import { sampleVoucherReceipt } from '../samples.js';
import { EscPosStreamParser } from './escpos-parser.js';
import { encodeGsV0 } from './raster-encoder.js';
import { EscPosTransport } from './transport.js';

async function pngToRgba(png: Buffer): Promise<{ rgba: Uint8ClampedArray; width: number; height: number }> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return { rgba: context.getImageData(0, 0, image.width, image.height).data, width: image.width, height: image.height };
}

describe('GS v 0 raster', () => {
  it('is what node-thermal-printer sends for a rendered receipt, bit for bit', async () => {
    const rendered = renderReceipt(sampleVoucherReceipt('fa'), { widthDots: 384, timeZone: 'Asia/Tehran' });
    const transport = new EscPosTransport({ model: 'epson', interface: 'tcp://127.0.0.1:9', statusQuery: 'dle-eot', timeoutMs: 1000 });
    const job = await transport.encodeJob(rendered.png);
    const { rgba, width, height } = await pngToRgba(rendered.png);
    const ours = encodeGsV0(rgba, width, height);
    const start = job.indexOf(Buffer.from([0x1d, 0x76, 0x30]));
    expect(job.subarray(start, start + ours.length).equals(ours)).toBe(true);
    // and the parser reads back the same dots the threshold chose
    const [raster] = new EscPosStreamParser().push(ours);
    expect(raster?.kind === 'raster' && raster.image.heightDots).toBe(height);
  });
});
