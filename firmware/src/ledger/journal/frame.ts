import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * One journal record on disk:
 *
 *   offset  size  field
 *   0       4     payload length (u32 LE)
 *   4       4     CRC-32 of bytes 8..end (u32 LE): catches torn and rotted records
 *   8       6     sequence number (u48 LE), one more than the previous record's
 *   14      2     format version (u16 LE)
 *   16      32    SHA-256 of the previous record's whole frame: an edit anywhere breaks the chain
 *   48      n     payload: a CommitRecord as record-codec.ts writes it (its first byte says
 *                 which form: '{' JSON, 0x01 compact; the frame format itself is unchanged)
 *
 * A record's own hash is the SHA-256 of its whole frame.
 */
export const FRAME_HEADER_BYTES = 48;
export const FRAME_VERSION = 1;
/** A commit is a handful of operations; anything near this size is damage, not data. */
export const MAX_PAYLOAD_BYTES = 1 << 20;
export const ZERO_HASH = Buffer.alloc(32);

export interface DecodedFrame {
  seq: number;
  prevHash: Buffer;
  payload: Buffer;
  /** SHA-256 of the whole frame. */
  hash: Buffer;
  /** Total bytes the frame occupies. */
  length: number;
}

export function encodeFrame(seq: number, prevHash: Buffer, payload: Buffer): { frame: Buffer; hash: Buffer } {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return { frame, hash: sealFrame(frame, seq, prevHash) };
}

/** Fills in the header of a frame whose payload is written; returns the frame's hash. */
export function sealFrame(frame: Buffer, seq: number, prevHash: Buffer): Buffer {
  frame.writeUInt32LE(frame.length - FRAME_HEADER_BYTES, 0);
  frame.writeUIntLE(seq, 8, 6);
  frame.writeUInt16LE(FRAME_VERSION, 14);
  prevHash.copy(frame, 16);
  frame.writeUInt32LE(crc32(frame.subarray(8)), 4);
  return hashFrame(frame);
}

export function hashFrame(frame: Buffer): Buffer {
  // The one-shot API: no Hash object per record, which matters when replaying a million.
  return hash('sha256', frame, 'buffer') as unknown as Buffer;
}

export type FrameProblem = 'incomplete' | 'bad-length' | 'bad-checksum' | 'bad-version';

/**
 * Checks the frame at `offset` without allocating: returns its total length, or why there is
 * no valid frame there. The scanner uses this on every record of a replay.
 */
export function checkFrame(buffer: Buffer, offset: number): number | FrameProblem {
  if (buffer.length - offset < FRAME_HEADER_BYTES) return 'incomplete';
  const payloadLength = buffer.readUInt32LE(offset);
  if (payloadLength === 0 || payloadLength > MAX_PAYLOAD_BYTES) return 'bad-length';
  const end = offset + FRAME_HEADER_BYTES + payloadLength;
  if (end > buffer.length) return 'incomplete';
  if (crc32(buffer.subarray(offset + 8, end)) !== buffer.readUInt32LE(offset + 4)) return 'bad-checksum';
  if (buffer.readUInt16LE(offset + 14) !== FRAME_VERSION) return 'bad-version';
  return end - offset;
}

/**
 * Reads the frame at `offset`. Returns the frame, or why there is no valid frame there.
 * Only the frame itself is checked here; sequence and chain are the scanner's business.
 */
export function decodeFrame(buffer: Buffer, offset: number): DecodedFrame | FrameProblem {
  if (buffer.length - offset < FRAME_HEADER_BYTES) return 'incomplete';
  const payloadLength = buffer.readUInt32LE(offset);
  if (payloadLength === 0 || payloadLength > MAX_PAYLOAD_BYTES) return 'bad-length';
  const end = offset + FRAME_HEADER_BYTES + payloadLength;
  if (end > buffer.length) return 'incomplete';
  const body = buffer.subarray(offset + 8, end);
  if (crc32(body) !== buffer.readUInt32LE(offset + 4)) return 'bad-checksum';
  if (buffer.readUInt16LE(offset + 14) !== FRAME_VERSION) return 'bad-version';
  const frame = buffer.subarray(offset, end);
  return {
    seq: buffer.readUIntLE(offset + 8, 6),
    prevHash: buffer.subarray(offset + 16, offset + 48),
    payload: buffer.subarray(offset + FRAME_HEADER_BYTES, end),
    hash: hashFrame(frame),
    length: end - offset,
  };
}

/** Is there any valid frame starting after `from`? Tells a torn tail from damage in the middle. */
export function findValidFrameAfter(buffer: Buffer, from: number): number | undefined {
  for (let offset = from + 1; offset + FRAME_HEADER_BYTES <= buffer.length; offset++) {
    if (typeof checkFrame(buffer, offset) === 'number') return offset;
  }
  return undefined;
}
