import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from 'typebox';
import type { Logger } from '../../firmware/src/log/logger.js';
import { DEMO_CARD_ID_KEY, type ReaderEntry, type ReadersConfig } from './config.js';
import type { DriverContext, ReaderDriver } from './driver.js';
import { ReaderHub } from './hub.js';

/** What each driver folder's `index.ts` exports. */
export interface DriverModule {
  optionsSchema: TSchema;
  create(options: never, context: DriverContext): ReaderDriver;
}

/**
 * Driver name → lazy loader. Only the configured drivers are imported, so a kiosk without an
 * RC522 never loads rpio, and one without PC/SC never loads the pcsclite binding.
 */
const DRIVER_LOADERS: Record<string, () => Promise<DriverModule>> = {
  simulated: () => import('./simulated/index.js'),
  pcsc: () => import('./pcsc/index.js'),
  rc522: () => import('./rc522/index.js'),
  magstripe: () => import('./magstripe/index.js'),
  wedge: () => import('./wedge/index.js'),
};

export const READER_DRIVER_NAMES = Object.keys(DRIVER_LOADERS);

export class ReaderConfigError extends Error {
  override name = 'ReaderConfigError';
}

/** `path: message` lines, with the offending key named for additionalProperties. */
function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const extra = error.keyword === 'additionalProperties' ? `/${(error.params as { additionalProperty: string }).additionalProperty}` : '';
    const message = error.keyword === 'additionalProperties' ? 'is not a known setting' : (error.message ?? 'is invalid');
    return `${error.instancePath}${extra}: ${message}`;
  });
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validators = new WeakMap<TSchema, ValidateFunction>();

function validateEntry(module: DriverModule, entry: ReaderEntry): unknown {
  let validate = validators.get(module.optionsSchema);
  if (!validate) {
    validate = ajv.compile(module.optionsSchema);
    validators.set(module.optionsSchema, validate);
  }
  const options: unknown = structuredClone(entry);
  if (!validate(options)) {
    const problems = describeErrors(validate.errors).map((line) => `hardware.readers.drivers[${entry.id}]${line}`);
    throw new ReaderConfigError(`invalid reader configuration:\n  ${problems.join('\n  ')}`);
  }
  return options;
}

/** Builds the configured readers (not started). Throws ReaderConfigError for a bad section. */
export async function createReaders(config: ReadersConfig, logger: Logger, now: () => number = Date.now): Promise<ReaderHub> {
  const seen = new Set<string>();
  const drivers: ReaderDriver[] = [];
  const context: DriverContext = { logger: logger.child({ part: 'readers' }), cardIdKey: config.cardIdKey, now };
  for (const entry of config.drivers) {
    if (seen.has(entry.id)) throw new ReaderConfigError(`two readers are called "${entry.id}": reader ids must be unique`);
    seen.add(entry.id);
    const load = Object.hasOwn(DRIVER_LOADERS, entry.driver) ? DRIVER_LOADERS[entry.driver] : undefined;
    if (!load) {
      throw new ReaderConfigError(`reader "${entry.id}" has unknown driver "${entry.driver}"; valid drivers: ${READER_DRIVER_NAMES.join(', ')}`);
    }
    const module = await load();
    drivers.push(module.create(validateEntry(module, entry) as never, context));
  }
  const realMagstripe = config.drivers.some((entry) => entry.driver === 'magstripe' || entry.driver === 'wedge');
  if (realMagstripe && config.cardIdKey === DEMO_CARD_ID_KEY) {
    logger.warn('hardware.readers.cardIdKey is the demo key: set a chain-wide secret before real cards are enrolled');
  }
  return new ReaderHub(drivers, context.logger, now);
}
