/** The card readers' public surface for the composition root, the demo and the CLI. */
export { createReaders, READER_DRIVER_NAMES, ReaderConfigError } from './create-readers.js';
export { ReaderHub } from './hub.js';
export { SimulatedReader } from './simulated/simulated-reader.js';
export { ReadersConfigSchema, DEMO_CARD_ID_KEY, type ReadersConfig, type ReaderEntry } from './config.js';
export type { CardEvent, CardReaders, CardTechnology, ReaderEvents, ReaderProblem } from './types.js';
