import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { Receipt } from '../types.js';
import { layoutReceipt, type DrawOp, type FontSpec, type MeasureText, type ReceiptLayout } from './layout.js';

/**
 * The paint step: replays a layout's drawing operations on a canvas and encodes a PNG. The
 * canvas shapes Persian (joined letters, right-to-left runs) with the Vazirmatn font, which
 * is loaded from the `vazirmatn` package's TTF files, never from the system.
 */
export const FONT_FAMILY = 'Vazirmatn';

let fontsRegistered = false;

/** Registers Vazirmatn Regular and Bold from node_modules once per process. */
export function registerReceiptFonts(): void {
  if (fontsRegistered) return;
  const require = createRequire(import.meta.url);
  const fontDir = join(dirname(require.resolve('vazirmatn/package.json')), 'fonts', 'ttf');
  for (const file of ['Vazirmatn-Regular.ttf', 'Vazirmatn-Bold.ttf']) {
    if (GlobalFonts.registerFromPath(join(fontDir, file), FONT_FAMILY) === null) {
      throw new Error(`cannot load the receipt font ${join(fontDir, file)}`);
    }
  }
  fontsRegistered = true;
}

function cssFont(font: FontSpec): string {
  return `${font.weight} ${font.sizePx}px ${FONT_FAMILY}`;
}

/** A measure function backed by the real font, for layoutReceipt. */
export function canvasMeasure(): MeasureText {
  registerReceiptFonts();
  const context = createCanvas(8, 8).getContext('2d');
  return (text, font, direction) => {
    context.font = cssFont(font);
    context.direction = direction;
    context.lang = direction === 'rtl' ? 'fa' : 'en';
    return context.measureText(text).width;
  };
}

function paintOp(context: SKRSContext2D, op: DrawOp): void {
  switch (op.kind) {
    case 'text':
      context.font = cssFont(op.font);
      context.direction = op.direction;
      context.lang = op.direction === 'rtl' ? 'fa' : 'en';
      context.textAlign = op.align;
      context.fillText(op.text, op.x, op.baselineY);
      return;
    case 'rule':
      context.fillRect(op.x0, op.y, op.x1 - op.x0, op.thicknessPx);
      return;
    case 'qr':
      for (let row = 0; row < op.size; row += 1) {
        for (let column = 0; column < op.size; column += 1) {
          if (op.dark[row * op.size + column] === 1) {
            context.fillRect(op.x + column * op.modulePx, op.y + row * op.modulePx, op.modulePx, op.modulePx);
          }
        }
      }
      return;
  }
}

/** Paints a layout: black on white, the receipt's full width, PNG encoded. */
export function paintLayout(layout: ReceiptLayout): Buffer {
  registerReceiptFonts();
  const canvas = createCanvas(layout.widthDots, layout.heightDots);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, layout.widthDots, layout.heightDots);
  context.fillStyle = '#000000';
  context.textBaseline = 'alphabetic';
  for (const op of layout.ops) paintOp(context, op);
  return canvas.toBuffer('image/png');
}

export interface RenderOptions {
  widthDots: 384 | 576;
  timeZone: string;
}

export interface RenderedReceipt {
  png: Buffer;
  widthDots: number;
  heightDots: number;
}

let sharedMeasure: MeasureText | undefined;

/** Receipt → PNG at the printer's width in dots (384 for 58 mm paper, 576 for 80 mm). */
export function renderReceipt(receipt: Receipt, options: RenderOptions): RenderedReceipt {
  sharedMeasure ??= canvasMeasure();
  const layout = layoutReceipt(receipt, { ...options, measure: sharedMeasure });
  return { png: paintLayout(layout), widthDots: layout.widthDots, heightDots: layout.heightDots };
}

export function widthDotsFor(paperWidthMm: 58 | 80): 384 | 576 {
  return paperWidthMm === 58 ? 384 : 576;
}
