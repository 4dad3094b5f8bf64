import { describe, expect, it } from 'vitest';
import { EscPosStreamParser, type EscPosCommand } from './escpos-parser.js';

function rasterCommand(bytesPerRow: number, rows: Uint8Array | number[]): Buffer {
  const data = Buffer.from(rows);
  return Buffer.concat([Buffer.from([0x1d, 0x76, 0x30, 0, bytesPerRow, 0, data.length / bytesPerRow, 0]), data]);
}

describe('ESC/POS stream parser', () => {
  it('decodes a GS v 0 raster, MSB first, and a cut', () => {
    const parser = new EscPosStreamParser();
    const commands = parser.push(Buffer.concat([Buffer.from([0x1b, 0x40]), rasterCommand(1, [0b10000001, 0b01000000]), Buffer.from([0x1d, 0x56, 0x00])]));
    expect(commands.map((command) => command.kind)).toEqual(['init', 'raster', 'cut']);
    const raster = commands[1] as Extract<EscPosCommand, { kind: 'raster' }>;
    expect(raster.image.widthDots).toBe(8);
    expect([...raster.image.dots]).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('does not take status-query bytes inside image data for a query', () => {
    const parser = new EscPosStreamParser();
    const commands = parser.push(Buffer.concat([rasterCommand(3, [0x10, 0x04, 0x04]), Buffer.from([0x10, 0x04, 0x04])]));
    expect(commands.map((command) => command.kind)).toEqual(['raster', 'status-query']);
  });

  it('waits for the rest of a command split across chunks', () => {
    const parser = new EscPosStreamParser();
    const bytes = rasterCommand(2, new Uint8Array(2 * 40).fill(0xff));
    expect(parser.push(bytes.subarray(0, 5))).toEqual([]);
    expect(parser.push(bytes.subarray(5, 50))).toEqual([]);
    const commands = parser.push(bytes.subarray(50));
    expect(commands).toHaveLength(1);
    expect(parser.pendingBytes).toBe(0);
  });

  it('rejects a raster whose declared size is absurd', () => {
    expect(() => new EscPosStreamParser().push(Buffer.from([0x1d, 0x76, 0x30, 0, 0xff, 0xff, 1, 0]))).toThrow(/too large/);
  });

  it('reads ESC d as a cut on STAR and as a feed on EPSON', () => {
    expect(new EscPosStreamParser('star').push(Buffer.from([0x1b, 0x64, 0x02]))[0]?.kind).toBe('cut');
    expect(new EscPosStreamParser('epson').push(Buffer.from([0x1b, 0x64, 0x02]))[0]?.kind).toBe('feed');
  });
});
