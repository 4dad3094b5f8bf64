import { Ajv, type ValidateFunction } from 'ajv';
import type { TSchema, Static } from 'typebox';
import { describeSchemaErrors } from '../../firmware/src/config/load.js';

/** A message that failed its schema: `problems` holds one `path: message` per error. */
export class ProtocolError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`invalid ${what}: ${problems.slice(0, 5).join('; ')}`);
    this.name = 'ProtocolError';
  }
}

const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: false });
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Validates (and fills defaults into) a message received from the other end. */
export function parseMessage<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) throw new ProtocolError(what, describeSchemaErrors(validate.errors));
  return value as Static<S>;
}
