import { Type, type Static } from 'typebox';

/** Shipped so the demo works; a real chain sets its own key (the same at every store). */
export const DEMO_CARD_ID_KEY = 'bashgah-demo-card-id-key-CHANGE-ME';

/**
 * One configured reader. Only `id` and `driver` are checked here; every driver validates the
 * rest of its entry against its own schema (beside its code) when the factory loads it, and
 * an unknown `driver` is answered with the list of valid names.
 */
export const ReaderEntrySchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'Stable name used in events and statuses.' }),
    driver: Type.String({
      pattern: '^[a-z0-9-]{1,32}$',
      description: "'pcsc', 'rc522', 'magstripe', 'wedge' or 'simulated'; the other settings depend on it.",
    }),
  },
  { additionalProperties: true },
);

/**
 * The `hardware.readers` section. An empty section is the demo: one simulated reader that the
 * demo and the tests drive (tap, swipe, unplug).
 */
export const ReadersConfigSchema = Type.Object(
  {
    cardIdKey: Type.String({
      minLength: 16,
      maxLength: 256,
      default: DEMO_CARD_ID_KEY,
      description:
        'Chain-wide secret: magstripe card numbers become mag:<HMAC-SHA256(key, number)>. Same key at every store, or the same card gets different ids.',
    }),
    drivers: Type.Array(ReaderEntrySchema, {
      maxItems: 16,
      default: [{ id: 'simulated', driver: 'simulated' }],
    }),
  },
  { additionalProperties: false, default: {} },
);

/** An entry carries its driver's own settings beside `id` and `driver`. */
export type ReaderEntry = Static<typeof ReaderEntrySchema> & { [setting: string]: unknown };
export type ReadersConfig = Omit<Static<typeof ReadersConfigSchema>, 'drivers'> & { drivers: ReaderEntry[] };
