import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { CONTROL_FILE, demoDataDir } from './demo.js';

const usage = `usage: bashgah simulate tap <card> | swipe <track data> | remove | paper out|in [--json]

Drives the simulated devices of a running \`bashgah demo\` (same BASHGAH_DATA_DIR):
  tap <card>     present a card: a card id (nfc:04A1B2C3D4E5F6, em:0012345678) or a UID in hex
  swipe <track>  swipe a magnetic card, e.g. ";6037991234567890=2912101?"
  remove         lift the card off the reader
  paper out|in   take the printer's paper out, or put a new roll in`;

const REQUEST_TIMEOUT_MS = 5000;

function parse(args: string[]): { body: Record<string, string>; json: boolean } {
  const json = args.includes('--json');
  const words = args.filter((arg) => arg !== '--json');
  const [action, value, ...rest] = words;
  if (rest.length > 0) throw new UsageError(`unexpected "${rest.join(' ')}"`);
  switch (action) {
    case 'tap':
      if (!value) throw new UsageError('tap needs a card id or UID');
      return { body: { action: 'tap', card: value }, json };
    case 'swipe':
      if (!value) throw new UsageError('swipe needs the track data (quote it)');
      return { body: { action: 'swipe', track: value }, json };
    case 'remove':
      if (value) throw new UsageError('remove takes nothing more');
      return { body: { action: 'remove' }, json };
    case 'paper':
      if (value !== 'out' && value !== 'in') throw new UsageError('paper takes "out" or "in"');
      return { body: { action: 'paper', state: value }, json };
    default:
      throw new UsageError(action ? `unknown action "${action}"` : 'what should be simulated?');
  }
}

export const command: Command = {
  path: ['simulate'],
  summary: 'tap, swipe or remove a card, or take the paper out, on a running demo',
  usage,
  async run(args, io) {
    const { body, json } = parse(args);
    const controlPath = join(demoDataDir(io.env), CONTROL_FILE);
    let control: { url: string; token: string };
    try {
      control = JSON.parse(await readFile(controlPath, 'utf8')) as { url: string; token: string };
    } catch {
      io.err(`bashgah simulate: no running demo found (${controlPath} is missing); start one with \`bashgah demo\`\n`);
      return 69; // EX_UNAVAILABLE
    }
    let response: Response;
    try {
      response = await fetch(`${control.url}/api/v1/control/simulate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${control.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      io.err(`bashgah simulate: the demo at ${control.url} did not answer (${(error as Error).message})\n`);
      return 69;
    }
    const answer = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!response.ok) {
      io.err(`bashgah simulate: ${answer.error?.message ?? `HTTP ${response.status}`}\n`);
      return 1;
    }
    io.out(json ? `${JSON.stringify({ done: true, ...body })}\n` : `done: ${Object.values(body).join(' ')}\n`);
    return 0;
  },
};
