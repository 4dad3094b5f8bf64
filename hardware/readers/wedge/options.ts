import { Type, type Static } from 'typebox';

/**
 * A USB keyboard-wedge reader: `{ "id": "rfid", "driver": "wedge", "device":
 * "/dev/input/by-id/usb-...-event-kbd", "kind": "em4100" }`. The service user needs read access
 * to the device (group `input`, or the udev rule beside this file).
 */
export const WedgeOptionsSchema = Type.Object(
  {
    id: Type.String(),
    driver: Type.Literal('wedge'),
    device: Type.String({ pattern: '^/[A-Za-z0-9/_.:@+-]+$', description: 'The input device, preferably its stable /dev/input/by-id/*-event-kbd link.' }),
    kind: Type.Union([Type.Literal('em4100'), Type.Literal('magstripe'), Type.Literal('barcode')], { description: 'What the reader types.' }),
    eventBytes: Type.Union([Type.Literal(0), Type.Literal(16), Type.Literal(24)], {
      default: 0,
      description: 'input_event size: 0 = this process (24 on 64-bit, 16 on 32-bit).',
    }),
    maxKeyGapMs: Type.Integer({ minimum: 1, maximum: 500, default: 40, description: 'Longest pause between keys of a reader; slower typing is a person.' }),
    reopenInitialMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 500 }),
    reopenMaxMs: Type.Integer({ minimum: 50, maximum: 600_000, default: 10_000 }),
  },
  { additionalProperties: false },
);

export type WedgeOptions = Static<typeof WedgeOptionsSchema>;
