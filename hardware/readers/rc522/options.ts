import { Type, type Static } from 'typebox';

/**
 * An RC522 module on the Pi's GPIO header, bit-banged SPI through rpi-softspi (physical pin
 * numbers, as in mfrc522-rpi's wiring): `{ "id": "rc522", "driver": "rc522" }`.
 */
export const Rc522OptionsSchema = Type.Object(
  {
    id: Type.String(),
    driver: Type.Literal('rc522'),
    pins: Type.Object(
      {
        clock: Type.Integer({ minimum: 1, maximum: 40, default: 23 }),
        mosi: Type.Integer({ minimum: 1, maximum: 40, default: 19 }),
        miso: Type.Integer({ minimum: 1, maximum: 40, default: 21 }),
        client: Type.Integer({ minimum: 1, maximum: 40, default: 24 }),
        reset: Type.Integer({ minimum: 1, maximum: 40, default: 22 }),
      },
      { additionalProperties: false, default: {} },
    ),
    pollIntervalMs: Type.Integer({ minimum: 20, maximum: 2000, default: 100 }),
    removeAfterMisses: Type.Integer({ minimum: 1, maximum: 50, default: 3, description: 'Empty polls in a row before a card counts as removed.' }),
    restartInitialMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 500 }),
    restartMaxMs: Type.Integer({ minimum: 50, maximum: 600_000, default: 10_000 }),
  },
  { additionalProperties: false },
);

export type Rc522Options = Static<typeof Rc522OptionsSchema>;
