import type { DriverContext } from '../driver.js';
import { Rc522Driver } from './rc522-driver.js';
import { Rc522OptionsSchema, type Rc522Options } from './options.js';

export const optionsSchema = Rc522OptionsSchema;
export function create(options: Rc522Options, context: DriverContext): Rc522Driver {
  return new Rc522Driver(options, context);
}
