import type { StatusQuery } from './status-codec.js';

/**
 * A streaming parser for the ESC/POS subset receipts use: raster images (EPSON `GS v 0`,
 * STAR `ESC k` bands), cuts, status queries and the one-argument mode commands. It skips over
 * image data by its declared length, so status-query bytes inside a picture are not mistaken
 * for queries. Used by the simulated printer and by tests that read what was printed.
 */
export interface RasterImage {
  widthDots: number;
  heightDots: number;
  /** One byte per dot: 1 black, 0 white, row-major. */
  dots: Uint8Array;
}

export type EscPosCommand =
  | { kind: 'status-query'; query: StatusQuery }
  | { kind: 'raster'; image: RasterImage }
  /** A STAR band: 24 rows of `bytesPerRow` bytes, stacked by the caller. */
  | { kind: 'star-band'; bytesPerRow: number; rows: Uint8Array }
  | { kind: 'cut' }
  | { kind: 'init' }
  | { kind: 'feed'; lines: number }
  | { kind: 'text'; byte: number }
  | { kind: 'other'; bytes: number[] };

export type PrinterModel = 'epson' | 'star';

/** Limits on declared image sizes: anything larger is garbage, not a receipt. */
export const MAX_RASTER_BYTES_PER_ROW = 256;
export const MAX_RASTER_ROWS = 16_000;

/** One-argument commands after ESC and GS that this parser passes over. */
const ESC_ONE_ARG = new Set([0x21, 0x2d, 0x33, 0x3d, 0x45, 0x47, 0x4d, 0x52, 0x61, 0x74, 0x7b, 0x20, 0x4a]);
const GS_ONE_ARG = new Set([0x21, 0x42, 0x48, 0x66, 0x68, 0x77]);

function bitsToDots(bytes: Uint8Array, bytesPerRow: number, rows: number, widthDots: number): Uint8Array {
  const dots = new Uint8Array(widthDots * rows);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < widthDots; column += 1) {
      const byte = bytes[row * bytesPerRow + (column >> 3)] ?? 0;
      dots[row * widthDots + column] = (byte >> (7 - (column & 7))) & 1;
    }
  }
  return dots;
}

export class EscPosStreamParser {
  private pending: Buffer = Buffer.alloc(0);

  constructor(readonly model: PrinterModel = 'epson') {}

  /** Bytes received but not yet a whole command. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): EscPosCommand[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const commands: EscPosCommand[] = [];
    let offset = 0;
    for (;;) {
      const parsed = this.parseOne(this.pending, offset);
      if (parsed === undefined) break;
      commands.push(parsed.command);
      offset = parsed.next;
    }
    this.pending = this.pending.subarray(offset);
    return commands;
  }

  /** Returns undefined when the buffer ends inside a command. Throws on impossible sizes. */
  private parseOne(buffer: Buffer, at: number): { command: EscPosCommand; next: number } | undefined {
    if (at >= buffer.length) return undefined;
    const first = buffer[at] as number;
    const need = (count: number): boolean => at + count <= buffer.length;
    const byteAt = (index: number): number => buffer[at + index] as number;
    if (first === 0x10) {
      if (!need(3)) return undefined;
      if (byteAt(1) === 0x04) return { command: byteAt(2) === 4 ? { kind: 'status-query', query: 'dle-eot' } : { kind: 'other', bytes: [0x10, 4, byteAt(2)] }, next: at + 3 };
      return { command: { kind: 'text', byte: first }, next: at + 1 };
    }
    if (first === 0x0a || first === 0x0b || first === 0x0c) return { command: { kind: 'feed', lines: 1 }, next: at + 1 };
    if (first === 0x1b) {
      if (!need(2)) return undefined;
      const code = byteAt(1);
      if (code === 0x40) return { command: { kind: 'init' }, next: at + 2 };
      if (code === 0x30 || code === 0x32) return { command: { kind: 'other', bytes: [0x1b, code] }, next: at + 2 };
      if (code === 0x64) {
        if (!need(3)) return undefined;
        // ESC d n: a cut on STAR printers, "feed n lines" on EPSON ones.
        return { command: this.model === 'star' ? { kind: 'cut' } : { kind: 'feed', lines: byteAt(2) }, next: at + 3 };
      }
      if (code === 0x6b) {
        if (!need(4)) return undefined;
        const bytesPerRow = byteAt(2) + byteAt(3) * 256;
        if (bytesPerRow > MAX_RASTER_BYTES_PER_ROW) throw new RangeError(`ESC k band of ${bytesPerRow} bytes per row is too wide`);
        const length = bytesPerRow * 24;
        if (!need(4 + length)) return undefined;
        return { command: { kind: 'star-band', bytesPerRow, rows: new Uint8Array(buffer.subarray(at + 4, at + 4 + length)) }, next: at + 4 + length };
      }
      if (ESC_ONE_ARG.has(code)) return need(3) ? { command: { kind: 'other', bytes: [0x1b, code, byteAt(2)] }, next: at + 3 } : undefined;
      return { command: { kind: 'other', bytes: [0x1b, code] }, next: at + 2 };
    }
    if (first === 0x1d) {
      if (!need(2)) return undefined;
      const code = byteAt(1);
      if (code === 0x72) return need(3) ? { command: byteAt(2) === 1 || byteAt(2) === 49 ? { kind: 'status-query', query: 'gs-r' } : { kind: 'other', bytes: [0x1d, 0x72, byteAt(2)] }, next: at + 3 } : undefined;
      if (code === 0x56) {
        if (!need(3)) return undefined;
        const mode = byteAt(2);
        const length = mode >= 65 ? 4 : 3;
        return need(length) ? { command: { kind: 'cut' }, next: at + length } : undefined;
      }
      if (code === 0x76) {
        if (!need(8)) return undefined;
        if (byteAt(2) !== 0x30) throw new RangeError(`unknown GS v function 0x${byteAt(2).toString(16)}`);
        const bytesPerRow = byteAt(4) + byteAt(5) * 256;
        const rows = byteAt(6) + byteAt(7) * 256;
        if (bytesPerRow > MAX_RASTER_BYTES_PER_ROW || rows > MAX_RASTER_ROWS) throw new RangeError(`GS v 0 image of ${bytesPerRow}×${rows} bytes is too large`);
        const length = bytesPerRow * rows;
        if (!need(8 + length)) return undefined;
        const widthDots = bytesPerRow * 8;
        const dots = bitsToDots(buffer.subarray(at + 8, at + 8 + length), bytesPerRow, rows, widthDots);
        return { command: { kind: 'raster', image: { widthDots, heightDots: rows, dots } }, next: at + 8 + length };
      }
      if (GS_ONE_ARG.has(code)) return need(3) ? { command: { kind: 'other', bytes: [0x1d, code, byteAt(2)] }, next: at + 3 } : undefined;
      return { command: { kind: 'other', bytes: [0x1d, code] }, next: at + 2 };
    }
    return { command: { kind: 'text', byte: first }, next: at + 1 };
  }
}

/** Stacks consecutive STAR bands into one image. */
export function starBandsToImage(bands: Array<{ bytesPerRow: number; rows: Uint8Array }>): RasterImage {
  const bytesPerRow = bands[0]?.bytesPerRow ?? 0;
  const all = new Uint8Array(bytesPerRow * 24 * bands.length);
  bands.forEach((band, index) => all.set(band.rows.subarray(0, bytesPerRow * 24), index * bytesPerRow * 24));
  const heightDots = 24 * bands.length;
  return { widthDots: bytesPerRow * 8, heightDots, dots: bitsToDots(all, bytesPerRow, heightDots, bytesPerRow * 8) };
}

/** Black-on-white RGBA pixels of a raster image, for PNG encoding or a QR reader. */
export function rasterToRgba(image: RasterImage): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(image.widthDots * image.heightDots * 4);
  for (let index = 0; index < image.dots.length; index += 1) {
    const shade = image.dots[index] === 1 ? 0 : 255;
    rgba[index * 4] = shade;
    rgba[index * 4 + 1] = shade;
    rgba[index * 4 + 2] = shade;
    rgba[index * 4 + 3] = 255;
  }
  return rgba;
}
