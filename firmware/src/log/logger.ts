import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Field names that may carry personal data or card numbers. They are redacted wherever they
 * appear, up to three levels deep, so a careless `log.info({ member })` cannot leak them.
 */
export const SENSITIVE_KEYS = [
  'card', 'cardId', 'cardNumber', 'pan', 'track', 'track1', 'track2', 'uid',
  'phone', 'mobile', 'name', 'firstName', 'lastName', 'email', 'birthday', 'anniversary',
  'pin', 'token', 'authorization', 'password', 'secret', 'privateKey',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SENSITIVE_KEYS) {
    // A top-level `name` is pino's own logger name, not a person's.
    if (key !== 'name') paths.push(key);
    paths.push(`*.${key}`, `*.*.${key}`, `*.*.*.${key}`);
  }
  paths.push('req.headers.authorization');
  return paths;
}

export interface LoggerSettings {
  level?: string;
  /** Where to write; defaults to stdout (journald on the device). */
  destination?: NodeJS.WritableStream;
  name?: string;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? process.env.BASHGAH_LOG_LEVEL ?? 'info',
    name: settings.name ?? 'bashgah',
    redact: { paths: redactPaths(), censor: '[redacted]' },
    // journald adds its own timestamp and host; keep ours for files and tests.
    base: { pid: process.pid },
  };
  return settings.destination ? pino(options, settings.destination as pino.DestinationStream) : pino(options);
}
