import QRCode from 'qrcode';
import type { Receipt, ReceiptLanguage } from '../types.js';
import { digitsFor, formatDate, formatDateTime, RECEIPT_WORDS } from './format.js';

/**
 * Receipt layout as data: the pure step between a Receipt and pixels. It decides what goes on
 * which line and where (wrapping by measured width), and returns drawing operations that the
 * paint step replays on a canvas. Tests call it with a fake `measure` and check the geometry.
 */
export interface FontSpec {
  sizePx: number;
  weight: 400 | 700;
}

export type Direction = 'rtl' | 'ltr';
export type Align = 'left' | 'right' | 'center';

export type DrawOp =
  | { kind: 'text'; text: string; x: number; baselineY: number; font: FontSpec; align: Align; direction: Direction }
  | { kind: 'rule'; y: number; x0: number; x1: number; thicknessPx: number }
  | { kind: 'qr'; x: number; y: number; modulePx: number; size: number; dark: Uint8Array };

export interface ReceiptLayout {
  widthDots: number;
  heightDots: number;
  language: ReceiptLanguage;
  ops: DrawOp[];
}

/** Width in pixels of `text` drawn in `font`. */
export type MeasureText = (text: string, font: FontSpec, direction: Direction) => number;

export interface LayoutOptions {
  widthDots: 384 | 576;
  timeZone: string;
  measure: MeasureText;
}

/** Tallest receipt we print: a bound on memory and paper (about 50 cm at 8 dots/mm). */
export const MAX_HEIGHT_DOTS = 4000;

interface Metrics {
  marginPx: number;
  store: FontSpec;
  title: FontSpec;
  body: FontSpec;
  small: FontSpec;
  code: FontSpec;
  qrSidePx: number;
}

function metricsFor(widthDots: 384 | 576): Metrics {
  const scale = widthDots === 384 ? 1 : 1.25;
  const font = (sizePx: number, weight: 400 | 700): FontSpec => ({ sizePx: Math.round(sizePx * scale), weight });
  return {
    marginPx: widthDots === 384 ? 8 : 16,
    store: font(30, 700),
    title: font(26, 700),
    body: font(22, 400),
    small: font(18, 400),
    code: font(38, 700),
    qrSidePx: widthDots === 384 ? 240 : 300,
  };
}

/** Line pitch: Persian needs room above and below for dots and marks. */
export function lineHeightPx(font: FontSpec): number {
  return Math.round(font.sizePx * 1.7);
}

/** Greedy word wrap by measured width; a word longer than a line is split by characters. */
export function wrapText(text: string, maxWidthPx: number, font: FontSpec, direction: Direction, measure: MeasureText): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let current = '';
    for (const word of paragraph.split(/\s+/).filter((part) => part !== '')) {
      const candidate = current === '' ? word : `${current} ${word}`;
      if (measure(candidate, font, direction) <= maxWidthPx) {
        current = candidate;
        continue;
      }
      if (current !== '') lines.push(current);
      current = word;
      while (measure(current, font, direction) > maxWidthPx && Array.from(current).length > 1) {
        const characters = Array.from(current);
        let fit = characters.length - 1;
        while (fit > 1 && measure(characters.slice(0, fit).join(''), font, direction) > maxWidthPx) fit -= 1;
        lines.push(characters.slice(0, fit).join(''));
        current = characters.slice(fit).join('');
      }
    }
    if (current !== '') lines.push(current);
  }
  return lines;
}

class LayoutBuilder {
  readonly ops: DrawOp[] = [];
  y = 0;
  constructor(
    readonly width: number,
    readonly metrics: Metrics,
    readonly direction: Direction,
    readonly measure: MeasureText,
  ) {}

  get contentWidth(): number {
    return this.width - 2 * this.metrics.marginPx;
  }

  /** x of the side where a line starts (right for Persian) and where it ends. */
  get startX(): number {
    return this.direction === 'rtl' ? this.width - this.metrics.marginPx : this.metrics.marginPx;
  }
  get endX(): number {
    return this.direction === 'rtl' ? this.metrics.marginPx : this.width - this.metrics.marginPx;
  }

  text(text: string, font: FontSpec, align: Align, direction: Direction = this.direction, x?: number): void {
    const baselineY = this.y + Math.round(font.sizePx * 1.2);
    const anchorX = x ?? (align === 'center' ? this.width / 2 : align === 'right' ? this.width - this.metrics.marginPx : this.metrics.marginPx);
    this.ops.push({ kind: 'text', text, x: Math.round(anchorX), baselineY, font, align, direction });
  }

  paragraph(text: string, font: FontSpec, align: Align, direction: Direction = this.direction): void {
    for (const line of wrapText(text, this.contentWidth, font, direction, this.measure)) {
      this.text(line, font, align, direction);
      this.y += lineHeightPx(font);
    }
  }

  /** A label at the start side and its value at the end side; the value drops below if both do not fit. */
  labelValue(label: string, value: string, font: FontSpec): void {
    const sideOf = (edge: 'start' | 'end'): Align => ((edge === 'start') === (this.direction === 'rtl') ? 'right' : 'left');
    const gapPx = Math.round(font.sizePx * 0.8);
    const labelWidth = this.measure(label, font, this.direction);
    const valueWidth = value === '' ? 0 : this.measure(value, font, this.direction);
    if (labelWidth + gapPx + valueWidth <= this.contentWidth) {
      this.text(label, font, sideOf('start'), this.direction, this.startX);
      if (value !== '') this.text(value, font, sideOf('end'), this.direction, this.endX);
      this.y += lineHeightPx(font);
      return;
    }
    for (const line of wrapText(label, this.contentWidth, font, this.direction, this.measure)) {
      this.text(line, font, sideOf('start'), this.direction, this.startX);
      this.y += lineHeightPx(font);
    }
    for (const line of wrapText(value, this.contentWidth, font, this.direction, this.measure)) {
      this.text(line, font, sideOf('end'), this.direction, this.endX);
      this.y += lineHeightPx(font);
    }
  }

  rule(): void {
    this.y += 6;
    this.ops.push({ kind: 'rule', y: this.y, x0: this.metrics.marginPx, x1: this.width - this.metrics.marginPx, thicknessPx: 2 });
    this.y += 12;
  }

  qr(payload: string): void {
    const symbol = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    const size = symbol.modules.size;
    // Whole dots per module keep every module crisp after the printer's hard threshold.
    const modulePx = Math.max(2, Math.floor(this.metrics.qrSidePx / (size + 8)));
    const side = modulePx * size;
    const quietPx = modulePx * 4;
    this.y += quietPx;
    const dark = Uint8Array.from(symbol.modules.data, (bit) => (bit ? 1 : 0));
    this.ops.push({ kind: 'qr', x: Math.round((this.width - side) / 2), y: this.y, modulePx, size, dark });
    this.y += side + quietPx;
  }
}

export function layoutReceipt(receipt: Receipt, options: LayoutOptions): ReceiptLayout {
  const { language } = receipt;
  const metrics = metricsFor(options.widthDots);
  const direction: Direction = language === 'fa' ? 'rtl' : 'ltr';
  const builder = new LayoutBuilder(options.widthDots, metrics, direction, options.measure);
  const localise = (text: string): string => digitsFor(language, text);
  const words = RECEIPT_WORDS[language];

  builder.y = metrics.marginPx;
  builder.paragraph(localise(receipt.storeName), metrics.store, 'center');
  builder.paragraph(formatDateTime(language, receipt.atMs, options.timeZone), metrics.small, 'center');
  builder.rule();
  builder.paragraph(localise(receipt.title), metrics.title, 'center');
  builder.y += 4;
  for (const line of receipt.lines) builder.labelValue(localise(line.label), localise(line.value), metrics.body);

  if (receipt.voucher) {
    builder.rule();
    builder.paragraph(words.voucherCode, metrics.body, 'center');
    // The code is typed by a cashier: always Latin characters, left to right, as issued.
    builder.paragraph(receipt.voucher.code, metrics.code, 'center', 'ltr');
    builder.qr(receipt.voucher.qrPayload);
    builder.paragraph(`${words.validUntil}: ${formatDate(language, receipt.voucher.expiresAtMs, options.timeZone)}`, metrics.body, 'center');
    builder.paragraph(words.scanHint, metrics.small, 'center');
  }
  if (receipt.footer !== undefined) {
    builder.rule();
    builder.paragraph(localise(receipt.footer), metrics.small, 'center');
  }
  const heightDots = builder.y + metrics.marginPx * 3;
  if (heightDots > MAX_HEIGHT_DOTS) {
    throw new RangeError(`receipt ${receipt.jobId} would be ${heightDots} dots long (limit ${MAX_HEIGHT_DOTS})`);
  }
  return { widthDots: options.widthDots, heightDots, language, ops: builder.ops };
}
