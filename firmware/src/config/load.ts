import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ConfigSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_PATH = '/etc/bashgah/config.json';
export const DEFAULT_DATA_DIR = '/var/lib/bashgah';

/** A configuration that failed validation; `problems` holds one `path: message` per error. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
addFormats(ajv);
const validateConfig = ajv.compile<Config>(ConfigSchema);

/** Turns Ajv's errors into `path: message` lines a technician can act on. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    let path = error.instancePath === '' ? '/' : error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      path = `${error.instancePath}/${extra}`;
      message = 'is not a known setting';
    } else if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      path = `${error.instancePath}/${missing}`;
      message = 'is required';
    }
    return `${path}: ${message}`;
  });
}

/** Validates a parsed configuration object and fills in defaults. Throws ConfigError. */
export function parseConfig(input: unknown, source = 'configuration'): Config {
  // Ajv fills defaults in place: validate a copy so the caller's object is untouched.
  const copy: unknown = structuredClone(input ?? {});
  if (!validateConfig(copy)) throw new ConfigError(source, describeSchemaErrors(validateConfig.errors));
  return copy;
}

export interface LoadedConfig {
  config: Config;
  /** Where it came from: a file path, or 'defaults' when no file exists. */
  source: string;
  dataDir: string;
}

/**
 * Loads the configuration from BASHGAH_CONFIG (default /etc/bashgah/config.json). A missing
 * file at the default path means "use the defaults" (the demo); a missing file that was asked
 * for explicitly is an error, as is a file that is not valid JSON or not valid configuration.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const explicitPath = env.BASHGAH_CONFIG;
  const path = explicitPath ?? DEFAULT_CONFIG_PATH;
  const dataDir = env.BASHGAH_DATA_DIR ?? DEFAULT_DATA_DIR;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && explicitPath === undefined) {
      return { config: applyEnvironment(parseConfig({}, 'defaults'), env), source: 'defaults', dataDir };
    }
    throw new ConfigError(path, [`/: cannot read the file (${(error as Error).message})`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`/: not valid JSON (${(error as Error).message})`]);
  }
  return { config: applyEnvironment(parseConfig(parsed, path), env), source: path, dataDir };
}

/** Environment variables that override the file, for the demo and for tests. */
function applyEnvironment(config: Config, env: NodeJS.ProcessEnv): Config {
  if (env.BASHGAH_HOST !== undefined) config.http.host = env.BASHGAH_HOST;
  if (env.BASHGAH_PORT !== undefined) {
    const port = Number(env.BASHGAH_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError('BASHGAH_PORT', [`/http/port: must be an integer from 0 to 65535, got "${env.BASHGAH_PORT}"`]);
    }
    config.http.port = port;
  }
  return config;
}
