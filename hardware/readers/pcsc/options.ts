import { Type, type Static } from 'typebox';

/** PC/SC contactless readers through pcscd: `{ "id": "nfc", "driver": "pcsc" }`. */
export const PcscOptionsSchema = Type.Object(
  {
    id: Type.String(),
    driver: Type.Literal('pcsc'),
    ignoreReaders: Type.String({
      maxLength: 200,
      default: 'SAM',
      description: 'Regular expression (case-insensitive) of reader names to ignore; the ACR1252U SAM slot by default.',
    }),
    onlyReaders: Type.String({ maxLength: 200, default: '', description: 'When set, only reader names matching this regular expression are used.' }),
    readTagText: Type.Boolean({ default: true, description: 'Read the NDEF text record from NTAG/Ultralight memory.' }),
    operationTimeoutMs: Type.Integer({ minimum: 100, maximum: 10_000, default: 1500 }),
    restartInitialMs: Type.Integer({ minimum: 50, maximum: 10_000, default: 250 }),
    restartMaxMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 4000 }),
    problemQuietMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000, description: 'The same problem from a reader is reported at most once in this time.' }),
  },
  { additionalProperties: false },
);

export type PcscOptions = Static<typeof PcscOptionsSchema>;
