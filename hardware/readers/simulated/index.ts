import { Type, type Static } from 'typebox';
import type { DriverContext } from '../driver.js';
import { SimulatedReader } from './simulated-reader.js';

export { SimulatedReader };

export const optionsSchema = Type.Object(
  { id: Type.String(), driver: Type.Literal('simulated') },
  { additionalProperties: false },
);

export function create(options: Static<typeof optionsSchema>, context: DriverContext): SimulatedReader {
  return new SimulatedReader(options.id, context);
}
