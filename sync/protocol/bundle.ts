import { Type, type Static } from 'typebox';
import type { KeyObject } from 'node:crypto';
import { DeviceIdSchema, JournalEntrySchema, PullResponseSchema } from './messages.js';
import { signBytes, verifyBytes } from './signing.js';
import { parseMessage, ProtocolError } from './validate.js';

/**
 * Sneakernet: a store with no connection carries its journal to the head office on a USB
 * stick, and brings the pull data back. A bundle is a JSON file whose payload is kept as the
 * exact signed string, so no canonical JSON is needed to check the signature.
 */
export const BUNDLE_FORMAT = 'bashgah-sync-bundle/1';
export const BUNDLE_ENTRIES_MAX = 200_000;

export const BundleFileSchema = Type.Object(
  {
    format: Type.Literal(BUNDLE_FORMAT),
    kind: Type.Union([Type.Literal('journal'), Type.Literal('pull')]),
    /** Who signed it: a device id, or `hq` for a bundle going back to a store. */
    signer: Type.String({ maxLength: 64 }),
    payload: Type.String({ maxLength: 512 * 1024 * 1024 }),
    signature: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type BundleFile = Static<typeof BundleFileSchema>;

export const JournalBundlePayloadSchema = Type.Object(
  {
    deviceId: DeviceIdSchema,
    createdAtMs: Type.Integer(),
    entries: Type.Array(JournalEntrySchema, { maxItems: BUNDLE_ENTRIES_MAX }),
  },
  { additionalProperties: false },
);
export type JournalBundlePayload = Static<typeof JournalBundlePayloadSchema>;

export const PullBundlePayloadSchema = Type.Object(
  {
    deviceId: DeviceIdSchema,
    createdAtMs: Type.Integer(),
    /** The device's high-water mark at the head office after the import. */
    highWaterMark: Type.Integer({ minimum: 0 }),
    pull: PullResponseSchema,
  },
  { additionalProperties: false },
);
export type PullBundlePayload = Static<typeof PullBundlePayloadSchema>;

export function createBundle(kind: BundleFile['kind'], signer: string, payload: unknown, privateKey: KeyObject): string {
  const payloadText = JSON.stringify(payload);
  const file: BundleFile = { format: BUNDLE_FORMAT, kind, signer, payload: payloadText, signature: signBytes(payloadText, privateKey) };
  return JSON.stringify(file);
}

/** Parses a bundle file's envelope; the signature is checked by `openBundle` once the key is known. */
export function readBundleEnvelope(text: string): BundleFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError('bundle', [`/: not valid JSON (${(error as Error).message})`]);
  }
  return parseMessage(BundleFileSchema, parsed, 'bundle');
}

export function openJournalBundle(file: BundleFile, publicKey: KeyObject): JournalBundlePayload {
  if (file.kind !== 'journal') throw new ProtocolError('bundle', [`/kind: expected journal, got ${file.kind}`]);
  if (!verifyBytes(file.payload, file.signature, publicKey)) throw new ProtocolError('bundle', ['/signature: does not match']);
  const payload = parseMessage(JournalBundlePayloadSchema, JSON.parse(file.payload), 'bundle payload');
  if (payload.deviceId !== file.signer) throw new ProtocolError('bundle', ['/signer: differs from the payload device']);
  return payload;
}

export function openPullBundle(file: BundleFile, publicKey: KeyObject): PullBundlePayload {
  if (file.kind !== 'pull') throw new ProtocolError('bundle', [`/kind: expected pull, got ${file.kind}`]);
  if (!verifyBytes(file.payload, file.signature, publicKey)) throw new ProtocolError('bundle', ['/signature: does not match']);
  return parseMessage(PullBundlePayloadSchema, JSON.parse(file.payload), 'bundle payload');
}
