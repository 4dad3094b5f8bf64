import type { Actor, CommitRecord, Op } from '../types.js';
import { ByteWriter, NotCompactError, fitsU48, isUint } from './byte-codec.js';

/**
 * The compact (binary) form of a record's head: what replay needs, in a few dozen bytes and
 * decoded without JSON.parse. The common operations have a fixed field list; any other
 * operation (or one with an unusual field) is kept as its JSON text inside the same record.
 *
 *   u8      flags: 1 = clock synced, 2 = fingerprint as 16 bytes, 4 = fingerprint as a string
 *   u8      actor kind (index in ACTOR_KINDS)
 *   string  actor id
 *   u48     at.atMs
 *   string  record id
 *   …       fingerprint (16 bytes, or a string), when a flag says so
 *   varint  number of operations, then each: u8 code (0 = JSON text), then its fields
 *
 * Decoded objects list their keys in the order the ledger writes them: the record's as
 * CommitRecord, an operation's sorted (the ledger stores operations as canonical JSON).
 * The codes and field lists below are part of the journal format: add, never change.
 * compact-head-reader.ts decodes what this file writes.
 */
export const ACTOR_KINDS: readonly Actor['kind'][] = ['pos', 'staff', 'technician', 'kiosk', 'system', 'sync'];
export const FLAG_SYNCED = 1;
export const FLAG_FINGERPRINT_HEX = 2;
export const FLAG_FINGERPRINT_TEXT = 4;
const HEX_FINGERPRINT = /^[0-9a-f]{32}$/;
export const FINGERPRINT_BYTES = 16;
export const JSON_OP = 0;

export type FieldType = 'string' | 'uint' | 'bool' | 'stringMap' | 'stringList' | 'json' | 'opName';

interface Field {
  name: string;
  type: FieldType;
  optional?: boolean;
}

interface OpSchema {
  code: number;
  op: string;
  /** In sorted key order, `op` included. */
  fields: Field[];
  /** Fields other than `op`. */
  valueFields: number;
}

const req = (name: string, type: FieldType): Field => ({ name, type });
const opt = (name: string, type: FieldType): Field => ({ name, type, optional: true });
const OP_NAME: Field = { name: 'op', type: 'opName' };

function schema(code: number, op: string, fields: Field[]): OpSchema {
  const all = [...fields, OP_NAME].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (all.filter((field) => field.optional).length > 7) throw new Error(`op schema ${op}: too many optional fields`);
  return { code, op, fields: all, valueFields: fields.length };
}

export const TRANSFER = schema(1, 'transfer', [req('amount', 'uint'), req('credit', 'string'), req('debit', 'string'), opt('memo', 'string'), req('reason', 'string'), opt('ref', 'stringMap'), req('unit', 'string')]);
const SCHEMAS: readonly OpSchema[] = [
  TRANSFER,
  schema(2, 'member.create', [
    opt('anniversary', 'string'),
    opt('birthday', 'string'),
    opt('interests', 'stringList'),
    req('memberId', 'string'),
    req('name', 'string'),
    req('phone', 'string'),
    req('smsConsent', 'bool'),
    req('storeId', 'string'),
  ]),
  schema(3, 'member.update', [req('memberId', 'string'), req('patch', 'json')]),
  schema(4, 'card.link', [req('cardId', 'string'), req('kind', 'string'), req('memberId', 'string')]),
  schema(5, 'card.block', [req('cardId', 'string'), req('reason', 'string'), opt('replacedBy', 'string')]),
  schema(6, 'purchase.record', [req('amountRial', 'uint'), opt('categories', 'json'), req('memberId', 'string'), opt('purchasedAtMs', 'uint'), req('receiptId', 'string')]),
  schema(7, 'points.pay', [req('memberId', 'string'), req('points', 'uint'), req('purchaseRial', 'uint'), req('receiptId', 'string')]),
  schema(8, 'voucher.redeem', [opt('claims', 'json'), req('code', 'string'), opt('receiptId', 'string')]),
];
const BY_NAME = new Map(SCHEMAS.map((s) => [s.op, s]));
export const BY_CODE = new Map(SCHEMAS.map((s) => [s.code, s]));

const writer = new ByteWriter();

/** Keys whose value is not undefined (JSON drops the others, so they must not count). */
function definedKeyCount(value: object): number {
  let count = 0;
  for (const key in value) if ((value as Record<string, unknown>)[key] !== undefined) count++;
  return count;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Writes the compact head of `record` into the shared writer and returns it (valid until the
 * next call), or undefined when the record has a shape only JSON keeps exactly (the caller
 * then writes the JSON form). The decision depends only on the record's JSON content, so the
 * head office, given the decoded record, makes the same one.
 */
export function writeCompactHead(record: CommitRecord): ByteWriter | undefined {
  const { actor, at, fingerprint } = record;
  if (!isPlainObject(actor) || definedKeyCount(actor) !== 2 || typeof actor.id !== 'string') return undefined;
  const kind = ACTOR_KINDS.indexOf(actor.kind);
  if (kind < 0 || !isPlainObject(at) || definedKeyCount(at) !== 2 || !fitsU48(at.atMs) || typeof at.clockSynced !== 'boolean') return undefined;
  if (typeof record.id !== 'string' || !Array.isArray(record.ops)) return undefined;
  if (fingerprint !== undefined && typeof fingerprint !== 'string') return undefined;
  const hexFingerprint = fingerprint !== undefined && HEX_FINGERPRINT.test(fingerprint);
  writer.reset();
  try {
    writer.u8((at.clockSynced ? FLAG_SYNCED : 0) | (fingerprint === undefined ? 0 : hexFingerprint ? FLAG_FINGERPRINT_HEX : FLAG_FINGERPRINT_TEXT));
    writer.u8(kind);
    writer.string(actor.id);
    writer.u48(at.atMs);
    writer.string(record.id);
    if (fingerprint !== undefined) {
      if (hexFingerprint) writer.hex(fingerprint);
      else writer.string(fingerprint);
    }
    writer.uvarint(record.ops.length);
    for (const op of record.ops) writeOp(op);
  } catch (error) {
    if (error instanceof NotCompactError) return undefined;
    throw error;
  }
  return writer;
}

function writeOp(op: Op): void {
  const found = isPlainObject(op) ? BY_NAME.get(op.op) : undefined;
  if (!found || !fitsSchema(found, op)) {
    const text = JSON.stringify(op) as string | undefined;
    if (text === undefined) throw new NotCompactError('an operation JSON cannot hold');
    writer.u8(JSON_OP);
    writer.string(text);
    return;
  }
  writer.u8(found.code);
  let present = 0;
  let bit = 1;
  for (const field of found.fields) {
    if (!field.optional) continue;
    if (op[field.name] !== undefined) present |= bit;
    bit <<= 1;
  }
  writer.u8(present);
  for (const field of found.fields) {
    const value = op[field.name];
    if (field.type === 'opName' || value === undefined) continue;
    writeValue(field.type, value);
  }
}

function fitsSchema(found: OpSchema, op: Op): boolean {
  let present = 0;
  for (const field of found.fields) {
    if (field.type === 'opName') continue;
    const value = op[field.name];
    if (value === undefined) {
      if (!field.optional) return false;
      continue;
    }
    if (!fitsType(field.type, value)) return false;
    present++;
  }
  return definedKeyCount(op) === present + 1;
}

function fitsType(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'uint':
      return isUint(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'stringMap':
      return isPlainObject(value) && Object.entries(value).every(([key, inner]) => key !== '__proto__' && (inner === undefined || typeof inner === 'string'));
    case 'stringList':
      return Array.isArray(value) && value.every((inner) => typeof inner === 'string');
    case 'json':
      return JSON.stringify(value) !== undefined;
    case 'opName':
      return true;
  }
}

function writeValue(type: FieldType, value: unknown): void {
  switch (type) {
    case 'string':
      return writer.string(value as string);
    case 'uint':
      return writer.uvarint(value as number);
    case 'bool':
      return writer.u8(value ? 1 : 0);
    case 'stringMap': {
      const entries = Object.entries(value as Record<string, string | undefined>).filter(([, inner]) => inner !== undefined);
      writer.uvarint(entries.length);
      for (const [key, inner] of entries) {
        writer.string(key);
        writer.string(inner!);
      }
      return;
    }
    case 'stringList':
      writer.uvarint((value as string[]).length);
      for (const inner of value as string[]) writer.string(inner);
      return;
    case 'json':
      return writer.string(JSON.stringify(value));
    case 'opName':
      return;
  }
}
