import type { DriverContext } from '../driver.js';
import { MagstripeDriver } from './magstripe-driver.js';
import { MagstripeOptionsSchema, type MagstripeOptions } from './options.js';

export const optionsSchema = MagstripeOptionsSchema;
export function create(options: MagstripeOptions, context: DriverContext): MagstripeDriver {
  return new MagstripeDriver(options, context);
}
