import { encodeEvent, EV_KEY, EV_SYN, KEY_PRESS, KEY_RELEASE } from '../input-events.js';

/**
 * Encodes `text` + Enter as the input_event records a US-layout keyboard-wedge reader produces
 * (press, SYN, release, SYN per key; Shift around upper-case and symbols). Test-only code.
 */
const CODES: Record<string, [number, boolean]> = {};
const rows: Array<[number, string, string]> = [
  [2, '1234567890-=', '!@#$%^&*()_+'],
  [16, 'qwertyuiop[]', 'QWERTYUIOP{}'],
  [30, "asdfghjkl;'`", 'ASDFGHJKL:"~'],
  [43, '\\zxcvbnm,./', '|ZXCVBNM<>?'],
];
for (const [firstCode, plain, shifted] of rows) {
  [...plain].forEach((char, index) => (CODES[char] = [firstCode + index, false]));
  [...shifted].forEach((char, index) => (CODES[char] = [firstCode + index, true]));
}
CODES[' '] = [57, false];
CODES['\n'] = [28, false];

const KEY_LEFTSHIFT = 42;

export function typeLine(text: string, startMs: number, keyGapMs: number, eventBytes: 16 | 24): Buffer {
  const records: Buffer[] = [];
  let timeMs = startMs;
  const key = (code: number, value: number) => {
    records.push(encodeEvent({ timeMs, type: EV_KEY, code, value }, eventBytes));
    records.push(encodeEvent({ timeMs, type: EV_SYN, code: 0, value: 0 }, eventBytes));
  };
  for (const char of `${text}\n`) {
    const mapped = CODES[char];
    if (!mapped) throw new RangeError(`cannot type ${JSON.stringify(char)} on a US layout`);
    const [code, shift] = mapped;
    if (shift) key(KEY_LEFTSHIFT, KEY_PRESS);
    key(code, KEY_PRESS);
    timeMs += 1;
    key(code, KEY_RELEASE);
    if (shift) key(KEY_LEFTSHIFT, KEY_RELEASE);
    timeMs += keyGapMs;
  }
  return Buffer.concat(records);
}
