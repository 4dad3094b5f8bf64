import type { DriverContext } from '../driver.js';
import { PcscDriver } from './pcsc-driver.js';
import { PcscOptionsSchema, type PcscOptions } from './options.js';

export const optionsSchema = PcscOptionsSchema;
export function create(options: PcscOptions, context: DriverContext): PcscDriver {
  return new PcscDriver(options, context);
}
