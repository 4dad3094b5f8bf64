import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { ConfigError, parseConfig } from '../../config/load.js';
import { emit, fail, keyValues, parseCommandArgs } from '../output.js';
import {
  ConfigFileError,
  configPath,
  flatten,
  getAt,
  readRawConfig,
  redactSecrets,
  splitKey,
  type JsonValue,
} from '../../ops/config-file.js';

const usage = `usage: bashgah config get [KEY] [--raw] [--show-secrets] [--json]

Shows the configuration in effect (the file at BASHGAH_CONFIG, default
/etc/bashgah/config.json, with defaults filled in), or one setting by dotted name.
  --raw            only what the file says, without defaults
  --show-secrets   show tokens instead of [redacted]
  --json           print JSON

examples: bashgah config get http.port
          bashgah config get device --json`;

export const command: Command = {
  path: ['config', 'get'],
  summary: 'show the configuration or one setting',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs(args, { raw: { type: 'boolean' }, 'show-secrets': { type: 'boolean' } });
    if (parsed.positionals.length > 1) throw new UsageError('expected at most one setting name');
    const key = parsed.positionals[0];
    const path = configPath(io.env);
    try {
      const parts = key === undefined ? [] : splitKey(key);
      const { raw, exists } = await readRawConfig(path);
      const effective = (parsed.values.raw ? raw : parseConfig(raw, exists ? path : 'defaults')) as JsonValue;
      const found = getAt(effective, parts);
      if (found === undefined) {
        return fail(io, parsed, 'config get', `no setting "${key}" in ${parsed.values.raw ? path : 'the configuration'}`, 1);
      }
      const shown = parsed.values['show-secrets'] ? found : redactSecrets(found, parts);
      emit(io, parsed, { ok: true, source: exists ? path : 'defaults', key: key ?? null, value: shown }, () => {
        if (shown !== null && typeof shown === 'object') return keyValues(flatten(shown, key ?? ''));
        return `${typeof shown === 'string' ? shown : JSON.stringify(shown)}\n`;
      });
      return 0;
    } catch (error) {
      if (error instanceof ConfigError) return fail(io, parsed, 'config get', error.message.split('\n')[0] ?? error.message, 78, error.problems);
      if (error instanceof ConfigFileError) return fail(io, parsed, 'config get', error.message, 78);
      throw error;
    }
  },
};
