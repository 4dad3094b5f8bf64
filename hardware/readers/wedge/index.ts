import type { DriverContext } from '../driver.js';
import { WedgeDriver } from './wedge-driver.js';
import { WedgeOptionsSchema, type WedgeOptions } from './options.js';

export const optionsSchema = WedgeOptionsSchema;
export function create(options: WedgeOptions, context: DriverContext): WedgeDriver {
  return new WedgeDriver(options, context);
}
