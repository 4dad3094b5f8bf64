import { Type } from 'typebox';

/** The `hardware` section: which readers, indicator and printer this kiosk has. */
export const HardwareConfigSchema = Type.Object(
  {
    simulated: Type.Boolean({ default: true, description: 'Use the simulated twins (demo and tests).' }),
  },
  { additionalProperties: false, default: {} },
);
