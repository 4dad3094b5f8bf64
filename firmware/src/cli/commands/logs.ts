import { spawn } from 'node:child_process';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { fail, parseCommandArgs } from '../output.js';

const usage = `usage: bashgah logs [--unit service|kiosk|hq|all] [-n LINES] [-f] [--since TIME]
                    [--priority LEVEL] [--boot ID] [--directory DIR] [--json]

Shows the kiosk's log from the systemd journal (journalctl).
  --unit        service (default): bashgah.service; kiosk: the touchscreen browser;
                hq: the head office server; all: every Bashgah unit
  -n, --lines   how many lines, 1..100000 (default 200)
  -f, --follow  keep printing new lines (Ctrl-C to stop)
  --since       e.g. "1 hour ago", "today", "2026-11-23 09:00"
  --priority    emerg|alert|crit|err|warning|notice|info|debug (and more important)
  --boot        one boot: 0 this one, --boot=-1 the one before, or a boot ID
  --directory   read a journal directory, e.g. one copied from a kiosk's SD card
  --json        one JSON object per line (journalctl -o json)`;

const UNITS: Record<string, string[]> = {
  service: ['bashgah.service'],
  kiosk: ['bashgah-kiosk.service'],
  hq: ['bashgah-hq.service'],
  all: ['bashgah.service', 'bashgah-kiosk.service', 'bashgah-hq.service'],
};
const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const MAX_LINES = 100_000;

export const command: Command = {
  path: ['logs'],
  summary: 'show the service log (journalctl)',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs(args, {
      unit: { type: 'string' },
      lines: { type: 'string', short: 'n' },
      follow: { type: 'boolean', short: 'f' },
      since: { type: 'string' },
      priority: { type: 'string' },
      boot: { type: 'string' },
      directory: { type: 'string' },
    });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const { values } = parsed;
    const unitName = (values.unit as string | undefined) ?? 'service';
    const units = UNITS[unitName];
    if (!units) throw new UsageError(`--unit must be one of ${Object.keys(UNITS).join(', ')}`);
    const lines = Number(values.lines ?? 200);
    if (!Number.isInteger(lines) || lines < 1 || lines > MAX_LINES) throw new UsageError(`--lines must be an integer from 1 to ${MAX_LINES}`);
    const priority = values.priority as string | undefined;
    if (priority !== undefined && !PRIORITIES.includes(priority)) throw new UsageError(`--priority must be one of ${PRIORITIES.join(', ')}`);
    const since = values.since as string | undefined;
    if (since !== undefined && (since.length > 64 || since.startsWith('-'))) throw new UsageError('--since must be a time like "1 hour ago"');

    const journalArgs = ['--no-pager', '--quiet', '-n', String(lines), '-o', parsed.json ? 'json' : 'short-iso'];
    for (const unit of units) journalArgs.push('-u', unit);
    if (values.follow) journalArgs.push('--follow');
    if (since !== undefined) journalArgs.push('--since', since);
    if (priority !== undefined) journalArgs.push('--priority', priority);
    if (typeof values.boot === 'string') {
      if (!/^(-?\d{1,4}|[0-9a-f]{32})$/.test(values.boot)) throw new UsageError('--boot takes 0, a negative offset like --boot=-1, or a boot ID');
      journalArgs.push(`--boot=${values.boot}`);
    }
    if (typeof values.directory === 'string') journalArgs.push('--directory', values.directory);

    const journalctl = io.env.BASHGAH_JOURNALCTL ?? 'journalctl';
    return await new Promise<number>((resolve) => {
      const child = spawn(journalctl, journalArgs, { env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => io.out(chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (stderr.length < 4096) stderr += chunk;
      });
      child.on('error', (error) => resolve(fail(io, parsed, 'logs', `cannot run ${journalctl}: ${error.message}`, 69)));
      child.on('close', (code, signal) => {
        if (code === 0 || signal === 'SIGINT') resolve(0);
        else resolve(fail(io, parsed, 'logs', `journalctl failed (${code ?? signal}): ${stderr.trim() || 'no message'}`, 1));
      });
    });
  },
};
