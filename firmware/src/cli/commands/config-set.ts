import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { ConfigError, parseConfig } from '../../config/load.js';
import { emit, fail, parseCommandArgs } from '../output.js';
import {
  ConfigFileError,
  configPath,
  getAt,
  readRawConfig,
  redactSecrets,
  setAt,
  splitKey,
  writeFileAtomic,
  type JsonObject,
  type JsonValue,
} from '../../ops/config-file.js';

const usage = `usage: bashgah config set KEY VALUE [KEY VALUE ...] [--dry-run] [--json]
       bashgah config set KEY [KEY ...] --unset [--dry-run] [--json]

Changes settings in the configuration file (BASHGAH_CONFIG, default
/etc/bashgah/config.json). VALUE is JSON (8080, true, ["a"], {"x":1}) or plain text.
The whole file is validated before it is replaced, atomically and all at once; an invalid
value changes nothing. --unset removes settings so their defaults apply again.
--dry-run validates and reports what would change without writing.
Values that start with "-" go after "--": bashgah config set -- loyalty.x -5
The service reads its configuration at start: systemctl restart bashgah.

examples: bashgah config set http.port 8081
          bashgah config set device.storeName "فروشگاه مرکزی" device.storeId central
          bashgah config set display.language --unset`;

/** The value candidates in order: as JSON, then (if that is not valid) as plain text. */
function candidates(text: string): JsonValue[] {
  try {
    const parsed = JSON.parse(text) as JsonValue;
    return typeof parsed === 'string' ? [parsed] : [parsed, text];
  } catch {
    return [text];
  }
}

interface Change {
  key: string;
  before: JsonValue | null;
  after: JsonValue | null;
  changed: boolean;
  /** Whether the file set it before / after (unset means the default applies). */
  wasSet: boolean;
  isSet: boolean;
}

/** Applies one setting to `raw`, choosing the value reading the schema accepts. */
function apply(raw: JsonObject, key: string, valueText: string | undefined, source: string): { next: JsonObject } | { problems: string[] } {
  const parts = splitKey(key);
  let firstError: ConfigError | undefined;
  for (const value of valueText === undefined ? [undefined] : candidates(valueText)) {
    const attempt = setAt(raw, parts, value);
    try {
      parseConfig(attempt, source);
      return { next: attempt };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      firstError ??= error;
    }
  }
  return { problems: firstError?.problems ?? [] };
}

function describe(value: JsonValue | null, wasSet: boolean): string {
  return wasSet ? JSON.stringify(value) : '(default)';
}

export const command: Command = {
  path: ['config', 'set'],
  summary: 'change settings (validated, written atomically)',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs(args, { unset: { type: 'boolean' }, 'dry-run': { type: 'boolean' } });
    const unset = parsed.values.unset === true;
    const dryRun = parsed.values['dry-run'] === true;
    const words = parsed.positionals;
    if (words.length === 0) throw new UsageError('expected a setting name');
    if (!unset && words.length % 2 !== 0) throw new UsageError('expected KEY VALUE pairs (quote values with spaces)');
    if (words.length > 200) throw new UsageError('at most 100 settings at once');
    const pairs: Array<[string, string | undefined]> = unset
      ? words.map((key) => [key, undefined])
      : words.flatMap((word, index) => (index % 2 === 0 ? [[word, words[index + 1]] as [string, string]] : []));
    const path = configPath(io.env);
    try {
      const { raw } = await readRawConfig(path);
      let next = raw;
      for (const [key, valueText] of pairs) {
        const result = apply(next, key, valueText, path);
        if ('problems' in result) {
          return fail(io, parsed, 'config set', `${key} not changed: the result would not be a valid configuration`, 78, result.problems);
        }
        next = result.next;
      }
      const changes: Change[] = pairs.map(([key]) => {
        const parts = splitKey(key);
        const before = getAt(raw, parts);
        const after = getAt(next, parts);
        return {
          key,
          before: redactSecrets(before, parts) ?? null,
          after: redactSecrets(after, parts) ?? null,
          changed: JSON.stringify(before) !== JSON.stringify(after),
          wasSet: before !== undefined,
          isSet: after !== undefined,
        };
      });
      const changed = changes.some((change) => change.changed);
      if (changed && !dryRun) await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
      emit(io, parsed, { ok: true, path, changed, dryRun, changes: changes.map(({ key, before, after, changed: one }) => ({ key, before, after, changed: one })) }, () => {
        const lines = changes.map((change) =>
          change.changed
            ? `${change.key}: ${describe(change.before, change.wasSet)} → ${describe(change.after, change.isSet)}`
            : `${change.key} is already ${describe(change.after, change.isSet)}`,
        );
        const tail = !changed ? 'nothing changed' : dryRun ? `dry run: ${path} not written` : `written to ${path}; apply with: systemctl restart bashgah`;
        return `${lines.join('\n')}\n${tail}\n`;
      });
      return 0;
    } catch (error) {
      if (error instanceof ConfigFileError) return fail(io, parsed, 'config set', error.message, 78);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'EROFS') {
        return fail(io, parsed, 'config set', `cannot write ${path}: ${(error as Error).message} (run with sudo?)`, 73);
      }
      throw error;
    }
  },
};
