import { hash } from 'node:crypto';
import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, checkFrame, type FrameProblem } from './frame.js';

/**
 * A run of frames read from a segment is checked in two passes: here, every frame's length,
 * CRC and place in the hash chain (on a worker thread for large journals); then, on the main
 * thread, sequence numbers and replay. Both passes stop at the same frame.
 */
export interface RunVerdict {
  /** Every frame before this offset is sound. */
  end: number;
  /** What is wrong with the frame at `end` ('chain': it does not name the previous frame's hash). */
  problem: FrameProblem | 'chain' | undefined;
  /** SHA-256 of the last sound frame (or the one before the run, if none was). */
  lastHash: Buffer | undefined;
}

export function checkFrameRun(bytes: Buffer, previousHash: Buffer | undefined): RunVerdict {
  // Each hash is kept as a 32-character latin1 string (one character per byte) rather than a
  // Buffer: node's one-shot hash returns a string in a third of the time it takes to return a
  // Buffer (no ArrayBuffer per record), and that is most of a replay's checking cost. ('binary'
  // is node's name for latin1.)
  let previous = previousHash === undefined ? undefined : previousHash.toString('latin1');
  let offset = 0;
  while (offset < bytes.length) {
    const checked = checkFrame(bytes, offset);
    if (typeof checked === 'string') return { end: offset, problem: checked, lastHash: asBuffer(previous) };
    if (previous !== undefined && !namesHash(bytes, offset + 16, previous)) return { end: offset, problem: 'chain', lastHash: asBuffer(previous) };
    previous = hash('sha256', bytes.subarray(offset, offset + checked), 'binary');
    offset += checked;
  }
  return { end: offset, problem: undefined, lastHash: asBuffer(previous) };
}

/** Whether the 32 bytes at `at` are the hash `latin1Hash` (compared in place: nothing allocated). */
function namesHash(bytes: Buffer, at: number, latin1Hash: string): boolean {
  for (let index = 0; index < 32; index++) {
    if (bytes[at + index] !== latin1Hash.charCodeAt(index)) return false;
  }
  return true;
}

function asBuffer(latin1Hash: string | undefined): Buffer | undefined {
  return latin1Hash === undefined ? undefined : Buffer.from(latin1Hash, 'latin1');
}

/**
 * How far whole frames go in `bytes`, by their length fields alone (nothing else is
 * checked): `more` when the bytes end inside a frame that may continue in the file, `bad`
 * when a length is impossible.
 */
export function wholeFramesEnd(bytes: Buffer): { end: number; stop: 'end' | 'more' | 'bad' } {
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < FRAME_HEADER_BYTES) return { end: offset, stop: 'more' };
    const payloadLength = bytes.readUInt32LE(offset);
    if (payloadLength === 0 || payloadLength > MAX_PAYLOAD_BYTES) return { end: offset, stop: 'bad' };
    const frameEnd = offset + FRAME_HEADER_BYTES + payloadLength;
    if (frameEnd > bytes.length) return { end: offset, stop: 'more' };
    offset = frameEnd;
  }
  return { end: offset, stop: 'end' };
}
