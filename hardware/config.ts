import { Type } from 'typebox';
import { ReadersConfigSchema } from './readers/config.js';
import { IndicatorConfigSchema } from './indicator/config.js';
import { PrinterConfigSchema } from './printer/config.js';

/** The `hardware` section: which readers, indicator and printer this kiosk has. */
export const HardwareConfigSchema = Type.Object(
  {
    readers: ReadersConfigSchema,
    indicator: IndicatorConfigSchema,
    printer: PrinterConfigSchema,
  },
  { additionalProperties: false, default: {} },
);
