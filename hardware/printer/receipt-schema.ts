import { Type } from 'typebox';
import { Ajv } from 'ajv';
import type { Receipt } from './types.js';

/**
 * The shape and limits of a receipt, checked when a job is handed to the printer and again
 * when a spooled job is read back from disk (a corrupted file must not reach the printer).
 */
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });

export const ReceiptSchema = Type.Object(
  {
    jobId: Type.String({ pattern: '^[\\x21-\\x7e]{1,128}$', description: 'Printable ASCII, no spaces.' }),
    kind: Type.Union([Type.Literal('voucher'), Type.Literal('balance'), Type.Literal('purchase'), Type.Literal('test')]),
    language: Type.Union([Type.Literal('fa'), Type.Literal('en')]),
    storeName: Text(120),
    title: Text(120),
    atMs: EpochMs,
    lines: Type.Array(
      Type.Object({ label: Text(120), value: Type.String({ maxLength: 120 }) }, { additionalProperties: false }),
      { maxItems: 40 },
    ),
    voucher: Type.Optional(
      Type.Object(
        {
          code: Type.String({ pattern: '^[\\x21-\\x7e]{1,40}$' }),
          // The QR payload must be ASCII: printers and readers disagree about anything else.
          qrPayload: Type.String({ pattern: '^[\\x20-\\x7e]{1,1000}$' }),
          expiresAtMs: EpochMs,
        },
        { additionalProperties: false },
      ),
    ),
    footer: Type.Optional(Text(400)),
  },
  { additionalProperties: false },
);

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<Receipt>(ReceiptSchema);

export class InvalidReceiptError extends Error {
  override name = 'InvalidReceiptError';
}

/** Throws InvalidReceiptError naming every problem; returns the receipt typed. */
export function assertReceipt(input: unknown): Receipt {
  if (validate(input)) return input;
  const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
  throw new InvalidReceiptError(`invalid receipt: ${problems.join('; ')}`);
}
