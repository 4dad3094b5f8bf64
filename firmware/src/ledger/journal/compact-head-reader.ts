import type { Actor, CommitRecord, Op } from '../types.js';
import { ByteReader } from './byte-codec.js';
import { ACTOR_KINDS, BY_CODE, FINGERPRINT_BYTES, FLAG_FINGERPRINT_HEX, FLAG_FINGERPRINT_TEXT, FLAG_SYNCED, JSON_OP, TRANSFER, type FieldType } from './compact-head.js';

/**
 * Decodes the compact head that compact-head.ts writes (the format is described there), for
 * the whole record and, allocating less, for replay. One reader, reused for every record.
 */
const reader = new ByteReader();

/** The head at `buffer[start, end)`; returns it and where its bytes end (the tail follows). */
export function decodeCompactHead(buffer: Buffer, start: number, end: number): { head: CommitRecord; headEnd: number } {
  reader.reset(buffer, start, end);
  const head = readHead(undefined);
  return { head, headEnd: reader.position };
}

/**
 * A replayed record's fingerprint. One object serves every record of a replay and `value`
 * may be its own `bytes`: use it before decoding the next record, do not keep it.
 */
export class ReplayFingerprint {
  readonly bytes = new Uint8Array(FINGERPRINT_BYTES);
  /** The 16 bytes (`bytes`) when written as bytes, else the string as written, or '' when there is none. */
  value: string | Uint8Array = '';
}

/**
 * The head at `buffer[start, end)` for replay: a fingerprint written as bytes is copied into
 * `fingerprint` and left out of the record, instead of becoming a hex string that the commit
 * index would turn back into words (a million allocations and parses on a replay).
 */
export function decodeCompactReplayHead(buffer: Buffer, start: number, end: number, fingerprint: ReplayFingerprint): CommitRecord {
  reader.reset(buffer, start, end);
  return readHead(fingerprint);
}

function readHead(replayFingerprint: ReplayFingerprint | undefined): CommitRecord {
  const flags = reader.u8();
  const kind = ACTOR_KINDS[reader.u8()];
  if (kind === undefined) throw new RangeError('compact journal record has an unknown actor kind');
  const actor: Actor = { kind, id: reader.sharedString() };
  const at = { atMs: reader.u48(), clockSynced: (flags & FLAG_SYNCED) !== 0 };
  const id = reader.string();
  let fingerprint: string | undefined;
  if (flags & FLAG_FINGERPRINT_HEX) {
    if (replayFingerprint === undefined) fingerprint = reader.hex(FINGERPRINT_BYTES);
    else reader.bytesInto(replayFingerprint.bytes, FINGERPRINT_BYTES);
  } else if (flags & FLAG_FINGERPRINT_TEXT) fingerprint = reader.string();
  if (replayFingerprint !== undefined) replayFingerprint.value = flags & FLAG_FINGERPRINT_HEX ? replayFingerprint.bytes : (fingerprint ?? '');
  const count = reader.uvarint();
  // Nearly every commit is one operation: an array of exactly that size.
  const ops: Op[] = count === 1 ? [readOp()] : [];
  if (count !== 1) for (let index = 0; index < count; index++) ops.push(readOp());
  return fingerprint === undefined ? { id, actor, at, ops } : { id, actor, at, ops, fingerprint };
}

function readOp(): Op {
  const code = reader.u8();
  if (code === JSON_OP) return JSON.parse(reader.string()) as Op;
  const found = BY_CODE.get(code);
  if (!found) throw new RangeError(`compact journal record has an unknown operation code ${code}`);
  const present = reader.u8();
  // The hot case, built as one literal: a transfer without memo or ref.
  if (found === TRANSFER && present === 0) {
    const amount = reader.uvarint();
    const credit = reader.sharedString();
    const debit = reader.sharedString();
    const reason = reader.sharedString();
    return { amount, credit, debit, op: 'transfer', reason, unit: reader.sharedString() };
  }
  const op: Record<string, unknown> = {};
  let bit = 1;
  for (const field of found.fields) {
    if (field.type === 'opName') {
      op.op = found.op;
      continue;
    }
    if (field.optional) {
      const has = (present & bit) !== 0;
      bit <<= 1;
      if (!has) continue;
    }
    op[field.name] = readValue(field.type);
  }
  return op as Op;
}

function readValue(type: FieldType): unknown {
  switch (type) {
    case 'string':
      return reader.sharedString();
    case 'uint':
      return reader.uvarint();
    case 'bool':
      return reader.u8() === 1;
    case 'stringMap': {
      const map: Record<string, string> = {};
      for (let count = reader.uvarint(); count > 0; count--) {
        const key = reader.sharedString();
        // Defined as data even for a key like "__proto__", as JSON.parse would.
        Object.defineProperty(map, key, { value: reader.sharedString(), enumerable: true, writable: true, configurable: true });
      }
      return map;
    }
    case 'stringList': {
      const list: string[] = [];
      for (let count = reader.uvarint(); count > 0; count--) list.push(reader.sharedString());
      return list;
    }
    case 'json':
      return JSON.parse(reader.string()) as unknown;
    case 'opName':
      return undefined;
  }
}
