/**
 * ISO/IEC 7813 track 1 / track 2 parser for one swipe, lenient with what real readers send:
 * STX/ETX framing, CR/LF, tracks on one line or on separate lines, an LRC character after the
 * end sentinel or none, Spanish-layout sentinels (ñ for ';', _ for '?'), '=' or 'D' as the
 * track 2 field separator, sentinel-less lines, and non-ISO loyalty cards whose track 2 is just
 * digits. It rejects garbage and partial swipes with a code and a sentence that never contains
 * the data itself (a bank card swiped by mistake must not end up in a log).
 *
 * Pure: no I/O, no logging. The card number it returns must be hashed by the caller at once.
 */

export type SwipeProblemCode = 'EMPTY_SWIPE' | 'PARTIAL_SWIPE' | 'UNREADABLE_SWIPE' | 'INCONSISTENT_TRACKS' | 'SWIPE_TOO_LONG';

export type SwipeResult =
  | { ok: true; cardNumber: string; tracks: Array<1 | 2> }
  | { ok: false; code: SwipeProblemCode; message: string };

/** Track 1 holds 79 characters and track 2 holds 40; with framing a swipe is well under this. */
export const SWIPE_CHARS_MAX = 512;
const PAN_DIGITS_MIN = 6;
const PAN_DIGITS_MAX = 19;
const LOYALTY_DIGITS_MIN = 4;

const TRACK1_START = '%';
const TRACK2_STARTS = new Set([';', 'ñ', 'Ñ']);
const END_SENTINELS = new Set(['?', '_']);
const FRAMING = /[\u0000\u0002\u0003\u0004]/g;

interface RawTrack {
  kind: 1 | 2;
  body: string;
  complete: boolean;
}

/** Finds sentinel-delimited tracks; anything else that is not framing makes the swipe garbage. */
function scanTracks(text: string): { tracks: RawTrack[]; strayChars: number } {
  const tracks: RawTrack[] = [];
  let strayChars = 0;
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    const kind = char === TRACK1_START ? 1 : TRACK2_STARTS.has(char) ? 2 : 0;
    if (kind === 0) {
      if (char !== '\r' && char !== '\n' && char !== ' ') strayChars += 1;
      index += 1;
      continue;
    }
    let end = index + 1;
    while (end < text.length && !END_SENTINELS.has(text[end]!) && text[end] !== '\r' && text[end] !== '\n') {
      if (end > index + 1 && (text[end] === TRACK1_START || TRACK2_STARTS.has(text[end]!)) && kind === 2) break;
      end += 1;
    }
    const complete = end < text.length && END_SENTINELS.has(text[end]!);
    tracks.push({ kind, body: text.slice(index + 1, end), complete });
    index = complete ? end + 1 : end;
    // One LRC character may follow the end sentinel; it can be any character, but a start
    // sentinel there is far more likely the next track than an LRC.
    const next = text[index];
    if (complete && next !== undefined && next !== '\r' && next !== '\n' && next !== TRACK1_START && !TRACK2_STARTS.has(next)) {
      index += 1;
    }
  }
  return { tracks, strayChars };
}

const TRACK1_ISO = /^[Bb]([0-9]{6,19})\^([^^]{0,26})\^([0-9]{4}|\^)?/;
const TRACK2_ISO = /^([0-9]{6,19})[=D]([0-9]{4}|=)?[0-9]*$/;
const TRACK2_DIGITS = /^[0-9]{4,19}$/;

/** A card number from one track's body, or why not. */
function cardNumberOf(track: RawTrack): { number: string } | { code: SwipeProblemCode; message: string } {
  if (!track.complete) return { code: 'PARTIAL_SWIPE', message: `track ${track.kind} has no end sentinel: the swipe was cut short, swipe again` };
  if (/^[Ee]$/.test(track.body)) return { code: 'UNREADABLE_SWIPE', message: `the reader reported a read error on track ${track.kind}: swipe again` };
  if (track.kind === 1) {
    const match = TRACK1_ISO.exec(track.body);
    if (match) return { number: match[1]! };
    return { code: 'UNREADABLE_SWIPE', message: 'track 1 is not in ISO 7813 format B' };
  }
  const iso = TRACK2_ISO.exec(track.body);
  if (iso) return { number: iso[1]! };
  if (TRACK2_DIGITS.test(track.body)) return { number: track.body };
  return { code: 'UNREADABLE_SWIPE', message: `track 2 is not ISO 7813 and not ${LOYALTY_DIGITS_MIN}-${PAN_DIGITS_MAX} digits` };
}

/** Readers configured to drop sentinels send the bare track; accept it only when well-formed. */
function parseSentinelLess(text: string): SwipeResult | undefined {
  const line = text.replace(/[\r\n]+/g, '').trim();
  const track1 = TRACK1_ISO.exec(line);
  if (track1 && /^[Bb][0-9]+\^[^^]*\^[0-9]*$/.test(line)) return { ok: true, cardNumber: track1[1]!, tracks: [1] };
  const track2 = TRACK2_ISO.exec(line);
  if (track2) return { ok: true, cardNumber: track2[1]!, tracks: [2] };
  if (new RegExp(`^[0-9]{${PAN_DIGITS_MIN},${PAN_DIGITS_MAX}}$`).test(line)) return { ok: true, cardNumber: line, tracks: [2] };
  return undefined;
}

export function parseSwipe(raw: string): SwipeResult {
  if (raw.length > SWIPE_CHARS_MAX) {
    return { ok: false, code: 'SWIPE_TOO_LONG', message: `a swipe is at most ${SWIPE_CHARS_MAX} characters; got ${raw.length} (is this a magstripe reader?)` };
  }
  const text = raw.replace(FRAMING, '');
  if (text.trim() === '') return { ok: false, code: 'EMPTY_SWIPE', message: 'the reader sent an empty swipe' };

  const { tracks, strayChars } = scanTracks(text);
  if (tracks.length === 0) {
    return parseSentinelLess(text) ?? { ok: false, code: 'UNREADABLE_SWIPE', message: `no track found in ${text.length} characters of input` };
  }
  if (strayChars > 0) {
    return { ok: false, code: 'UNREADABLE_SWIPE', message: `${strayChars} characters outside any track: not a swipe from a magstripe reader` };
  }

  const numbers = new Map<1 | 2, string>();
  let firstProblem: { code: SwipeProblemCode; message: string } | undefined;
  for (const track of tracks) {
    const result = cardNumberOf(track);
    if ('number' in result) {
      if (numbers.has(track.kind)) return { ok: false, code: 'UNREADABLE_SWIPE', message: `track ${track.kind} appears twice in one swipe` };
      numbers.set(track.kind, result.number);
    } else {
      firstProblem ??= result;
    }
  }
  const track1 = numbers.get(1);
  const track2 = numbers.get(2);
  if (track1 !== undefined && track2 !== undefined && track1 !== track2) {
    return { ok: false, code: 'INCONSISTENT_TRACKS', message: 'track 1 and track 2 carry different card numbers' };
  }
  const cardNumber = track2 ?? track1;
  // One good track is enough: readers often fail one track on a worn card.
  if (cardNumber === undefined) return { ok: false, ...(firstProblem ?? { code: 'UNREADABLE_SWIPE', message: 'no readable track' }) };
  return { ok: true, cardNumber, tracks: [...numbers.keys()].sort() };
}
