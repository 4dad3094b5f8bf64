/**
 * Linux input_event records as read from /dev/input/eventN, and a US-layout keystroke decoder
 * that turns key presses into lines of text, keeping each key's kernel timestamp so the
 * typist (reader or person) can be judged by timing. Pure.
 *
 * struct input_event { struct timeval time; __u16 type; __u16 code; __s32 value; }:
 * 24 bytes where `long` is 8 bytes (64-bit processes), 16 bytes on 32-bit (armhf) processes.
 */
export interface InputEvent {
  timeMs: number;
  type: number;
  code: number;
  value: number;
}

export const EV_SYN = 0x00;
export const EV_KEY = 0x01;
export const KEY_RELEASE = 0;
export const KEY_PRESS = 1;
export const KEY_REPEAT = 2;

/** Record size for this process: 24 on 64-bit architectures, 16 on 32-bit ones. */
export function nativeEventBytes(arch: string = process.arch): 16 | 24 {
  return ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(arch) ? 24 : 16;
}

export function decodeEvent(record: Buffer, eventBytes: 16 | 24): InputEvent {
  if (record.length !== eventBytes) throw new RangeError(`an input_event is ${eventBytes} bytes, got ${record.length}`);
  const wide = eventBytes === 24;
  const seconds = wide ? Number(record.readBigInt64LE(0)) : record.readInt32LE(0);
  const microseconds = wide ? Number(record.readBigInt64LE(8)) : record.readInt32LE(4);
  const at = wide ? 16 : 8;
  return { timeMs: seconds * 1000 + microseconds / 1000, type: record.readUInt16LE(at), code: record.readUInt16LE(at + 2), value: record.readInt32LE(at + 4) };
}

export function encodeEvent(event: InputEvent, eventBytes: 16 | 24): Buffer {
  const record = Buffer.alloc(eventBytes);
  const seconds = Math.floor(event.timeMs / 1000);
  const microseconds = Math.round((event.timeMs - seconds * 1000) * 1000);
  const at = eventBytes === 24 ? 16 : 8;
  if (eventBytes === 24) {
    record.writeBigInt64LE(BigInt(seconds), 0);
    record.writeBigInt64LE(BigInt(microseconds), 8);
  } else {
    record.writeInt32LE(seconds, 0);
    record.writeInt32LE(microseconds, 4);
  }
  record.writeUInt16LE(event.type, at);
  record.writeUInt16LE(event.code, at + 2);
  record.writeInt32LE(event.value, at + 4);
  return record;
}

/** Linux keycode → [unshifted, shifted] on a US layout (what wedge readers emulate). */
const KEYMAP: Record<number, [string, string]> = {};
const rows: Array<[number, string, string]> = [
  [2, '1234567890-=', '!@#$%^&*()_+'],
  [16, 'qwertyuiop[]', 'QWERTYUIOP{}'],
  [30, "asdfghjkl;'`", 'ASDFGHJKL:"~'],
  [43, '\\zxcvbnm,./', '|ZXCVBNM<>?'],
];
for (const [firstCode, plain, shifted] of rows) {
  [...plain].forEach((char, index) => (KEYMAP[firstCode + index] = [char, shifted[index]!]));
}
KEYMAP[57] = [' ', ' '];
KEYMAP[55] = ['*', '*'];
// Keypad: some readers type digits on the numeric keypad.
const keypad: Array<[number, string]> = [[71, '7'], [72, '8'], [73, '9'], [74, '-'], [75, '4'], [76, '5'], [77, '6'], [78, '+'], [79, '1'], [80, '2'], [81, '3'], [82, '0'], [83, '.'], [98, '/']];
for (const [code, char] of keypad) KEYMAP[code] = [char, char];

const KEY_ENTER = 28;
const KEY_KPENTER = 96;
const SHIFT_KEYS = new Set([42, 54]);
export const LINE_CHARS_MAX = 256;

export interface TypedLine {
  text: string;
  /** Kernel time of each key press, in order. */
  keyTimesMs: number[];
  /** Key presses that map to no character (function keys, Ctrl...). */
  unmappedKeys: number;
}

export type DecoderOutput = { kind: 'line'; line: TypedLine } | { kind: 'overflow'; chars: number };

/** Feeds key events, returns a line each time Enter is pressed. */
export class KeystrokeDecoder {
  private shiftDown = 0;
  private chars: string[] = [];
  private times: number[] = [];
  private unmapped = 0;
  private overflowed = false;

  push(event: InputEvent): DecoderOutput | undefined {
    if (event.type !== EV_KEY) return undefined;
    if (SHIFT_KEYS.has(event.code)) {
      if (event.value === KEY_PRESS) this.shiftDown += 1;
      else if (event.value === KEY_RELEASE) this.shiftDown = Math.max(0, this.shiftDown - 1);
      return undefined;
    }
    if (event.value !== KEY_PRESS) return undefined; // releases and auto-repeat
    if (event.code === KEY_ENTER || event.code === KEY_KPENTER) return this.finishLine();
    const mapped = KEYMAP[event.code];
    if (!mapped) {
      this.unmapped += 1;
      return undefined;
    }
    if (this.chars.length >= LINE_CHARS_MAX) {
      this.overflowed = true;
      return undefined;
    }
    this.chars.push(this.shiftDown > 0 ? mapped[1] : mapped[0]);
    this.times.push(event.timeMs);
    return undefined;
  }

  private finishLine(): DecoderOutput | undefined {
    const output: DecoderOutput | undefined = this.overflowed
      ? { kind: 'overflow', chars: this.chars.length }
      : this.chars.length > 0
        ? { kind: 'line', line: { text: this.chars.join(''), keyTimesMs: this.times, unmappedKeys: this.unmapped } }
        : undefined;
    this.chars = [];
    this.times = [];
    this.unmapped = 0;
    this.overflowed = false;
    return output;
  }
}
