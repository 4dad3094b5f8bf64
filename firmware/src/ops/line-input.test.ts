import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineInput, MAX_LINE_CHARS } from './line-input.js';

describe('LineInput', () => {
  it('reads lines (LF, CRLF, a last line without newline) and then undefined', async () => {
    const input = new LineInput(Readable.from([Buffer.from('kiosk-1\r\nye'), Buffer.from('s\nlast')]));
    expect([await input.line(), await input.line(), await input.line(), await input.line()]).toEqual(['kiosk-1', 'yes', 'last', undefined]);
    input.close();
  });

  it('waits for a line typed later', async () => {
    const stream = new PassThrough();
    const input = new LineInput(stream);
    const pending = input.line();
    setTimeout(() => stream.write('12'), 10);
    setTimeout(() => stream.write('34\n'), 20);
    expect(await pending).toBe('1234');
    input.close();
  });

  it('refuses a line longer than the limit instead of buffering without end', async () => {
    const input = new LineInput(Readable.from([Buffer.from('9'.repeat(MAX_LINE_CHARS + 10))]));
    await expect(input.line()).rejects.toThrow(/longer than 256 characters/);
    input.close();
  });

  it('hides a secret typed on a terminal and honours backspace', async () => {
    const stream = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void };
    const modes: boolean[] = [];
    stream.isTTY = true;
    stream.setRawMode = (raw) => void modes.push(raw);
    const input = new LineInput(stream);
    const secret = input.secret();
    stream.write('12');
    stream.write('5\u007f34\r');
    expect(await secret).toBe('1234');
    expect(modes).toEqual([true, false]);
    const cancelled = input.secret();
    stream.write('\u0003');
    await expect(cancelled).rejects.toThrow('cancelled');
    input.close();
  });
});
