import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { canvasMeasure, paintLayout } from './paint.js';
import type { Direction } from './layout.js';

/**
 * Guards on what the canvas does for Persian, so a canvas or font upgrade that breaks shaping
 * or right-to-left order fails here rather than on a customer's receipt.
 */
const body = { sizePx: 30, weight: 400 as const };

/** Widths of the ink runs across the image, left to right (gaps of 7+ white columns split runs). */
async function inkRuns(text: string, direction: Direction): Promise<number[]> {
  const png = paintLayout({ widthDots: 576, heightDots: 60, language: 'fa', ops: [{ kind: 'text', text, x: 10, baselineY: 40, font: body, align: 'left', direction }] });
  const image = await loadImage(png);
  const context = createCanvas(576, 60).getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, 576, 60).data;
  const inked = Array.from({ length: 576 }, (_, x) => Array.from({ length: 60 }, (_, y) => (pixels[(y * 576 + x) * 4] ?? 255) < 128).some(Boolean));
  const runs: number[] = [];
  let start = -1;
  let gap = 0;
  inked.forEach((ink, x) => {
    if (ink) {
      if (start < 0) start = x;
      gap = 0;
    } else if (start >= 0 && ++gap >= 7) {
      runs.push(x - gap - start + 1);
      start = -1;
      gap = 0;
    }
  });
  return runs;
}

describe('painting Persian', () => {
  it('joins letters: a shaped word is much narrower than its letters drawn alone', () => {
    const measure = canvasMeasure();
    const word = 'بیشتر';
    const isolated = Array.from(word).reduce((sum, letter) => sum + measure(letter, body, 'rtl'), 0);
    expect(measure(word, body, 'rtl')).toBeLessThan(isolated * 0.8);
  });

  it('orders words right to left: the first word is drawn rightmost', async () => {
    // "۱" is narrow and comes first; in a right-to-left line it must be the rightmost run.
    const rtl = await inkRuns('۱ مشتریان باشگاه', 'rtl');
    expect(rtl).toHaveLength(3);
    expect(rtl.at(-1)).toBeLessThan(15);
    expect(rtl[0]).toBeGreaterThan(40);
    // The same text in a left-to-right line puts the number first on the left: the test can tell.
    expect((await inkRuns('۱ مشتریان باشگاه', 'ltr'))[0]).toBeLessThan(15);
  });
});
