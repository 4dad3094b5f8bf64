import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, checkFrame, hashFrame, type FrameProblem } from './frame.js';

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
  let previous = previousHash;
  let offset = 0;
  while (offset < bytes.length) {
    const checked = checkFrame(bytes, offset);
    if (typeof checked === 'string') return { end: offset, problem: checked, lastHash: previous };
    // Compared in place: no buffer per record for the previous hash.
    if (previous !== undefined && previous.compare(bytes, offset + 16, offset + 48) !== 0) return { end: offset, problem: 'chain', lastHash: previous };
    previous = hashFrame(bytes.subarray(offset, offset + checked));
    offset += checked;
  }
  return { end: offset, problem: undefined, lastHash: previous };
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
