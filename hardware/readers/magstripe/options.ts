import { Type, type Static } from 'typebox';

/** One serial magstripe reader: `{ "id": "mag", "driver": "magstripe", "path": "/dev/ttyUSB0" }`. */
export const MagstripeOptionsSchema = Type.Object(
  {
    id: Type.String(),
    driver: Type.Literal('magstripe'),
    path: Type.String({ pattern: '^/[A-Za-z0-9/_.:-]+$', description: 'Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/...' }),
    baudRate: Type.Integer({ minimum: 1200, maximum: 115_200, default: 9600 }),
    swipeGapMs: Type.Integer({
      minimum: 5,
      maximum: 1000,
      default: 40,
      description: 'Silence that ends a swipe; tracks sent on separate lines arrive well within it.',
    }),
    reopenInitialMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 500 }),
    reopenMaxMs: Type.Integer({ minimum: 50, maximum: 600_000, default: 10_000 }),
  },
  { additionalProperties: false },
);

export type MagstripeOptions = Static<typeof MagstripeOptionsSchema>;
