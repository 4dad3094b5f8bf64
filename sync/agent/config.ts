import { Type } from 'typebox';

/** The `sync` section: where the head office is and how this kiosk talks to it. */
export const SyncAgentConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
  },
  { additionalProperties: false, default: {} },
);
