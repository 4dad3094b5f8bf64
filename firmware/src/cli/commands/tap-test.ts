import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, keyValues, parseCommandArgs } from '../output.js';
import { loadConfig } from '../../config/load.js';
import { ledgerDirectory } from '../../ledger/paths.js';
import { createLogger } from '../../log/logger.js';
import { serviceInUse, stopServiceAdvice } from '../../ops/service-probe.js';
import { createReaders } from '../../../../hardware/readers/create-readers.js';
import type { ReaderHub } from '../../../../hardware/readers/hub.js';
import type { CardEvent, ReaderProblem } from '../../../../hardware/readers/types.js';
import type { DeviceStatus } from '../../../../hardware/status.js';

const DEFAULT_WAIT_SECONDS = 20;
const MAX_WAIT_SECONDS = 600;

export interface TapTestDeps {
  createReaders: typeof createReaders;
  /** Called once the readers are started and the command waits (tests tap here). */
  onWaiting?: (hub: ReaderHub) => void;
}

/**
 * Starts the configured readers itself (the service must be stopped: it owns them, and a tap
 * would also act on the kiosk), waits for one card, shows what was read and stops.
 */
export function tapTestCommand(deps: TapTestDeps = { createReaders }): Command {
  return {
    path: ['tap-test'],
    summary: 'wait for a card on the configured readers and show what was read',
    usage: `usage: bashgah tap-test [--timeout SECONDS] [--json]

Starts the configured card readers, waits up to SECONDS (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS})
for a card, prints the reader, the technology and the card id, and exits. Use the card id
with bashgah staff add --card. The service must be stopped (sudo systemctl stop bashgah).
Exit code: 0 a card was read, 1 none within the time, 75 the service is running.`,
    async run(args, io) {
      const parsed = parseCommandArgs(args, { timeout: { type: 'string' } });
      if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
      const waitSeconds = Number(parsed.values.timeout ?? DEFAULT_WAIT_SECONDS);
      if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > MAX_WAIT_SECONDS) throw new UsageError(`--timeout must be whole seconds from 1 to ${MAX_WAIT_SECONDS}`);
      const { config, dataDir } = await loadConfig(io.env);
      const use = await serviceInUse(config, ledgerDirectory(dataDir));
      if (use.running) return fail(io, parsed, 'tap-test', stopServiceAdvice(`the service owns the readers (${use.evidence})`), 75);

      // Driver logs go to stderr (and only when asked) so that --json stdout stays one document.
      const logger = createLogger({ level: io.env.BASHGAH_LOG_LEVEL ?? 'silent', destination: process.stderr });
      let hub: ReaderHub;
      try {
        hub = await deps.createReaders(config.hardware.readers, logger);
      } catch (error) {
        return fail(io, parsed, 'tap-test', (error as Error).message, 78);
      }
      const problems: ReaderProblem[] = [];
      const showStatus = (status: DeviceStatus) => io.err(`${status.device}: ${status.state}${status.detail ? ` (${status.detail})` : ''}\n`);
      try {
        const card = await new Promise<CardEvent | undefined>((resolve, reject) => {
          const timer = setTimeout(() => resolve(undefined), waitSeconds * 1000);
          hub.on('card', (event) => {
            clearTimeout(timer);
            resolve(event);
          });
          hub.on('problem', (problem) => {
            problems.push(problem);
            io.err(`${problem.readerId}: ${problem.message} (${problem.code}); try again\n`);
          });
          hub.start().then(() => {
            const readers = hub.statuses().map((status) => `${status.device} ${status.state}`).join(', ') || 'none found yet';
            io.err(`readers: ${readers}\nhold a card on a reader (waiting ${waitSeconds} s)...\n`);
            // Readers found later (pcscd lists them after a moment) or unplugged while waiting.
            hub.on('status', showStatus);
            deps.onWaiting?.(hub);
          }, (error: unknown) => {
            clearTimeout(timer);
            reject(error as Error);
          });
        });
        if (!card) {
          const readers = hub.statuses().map(({ device, state, detail }) => ({ device, state, ...(detail !== undefined && { detail }) }));
          return fail(io, parsed, 'tap-test', `no card was read within ${waitSeconds} s; readers: ${readers.map((r) => `${r.device} ${r.state}${r.detail ? ` (${r.detail})` : ''}`).join(', ') || 'none'}`, 1);
        }
        const shown = { readerId: card.readerId, technology: card.technology, cardId: card.cardId, ...(card.tagText !== undefined && { tagText: card.tagText }) };
        emit(io, parsed, { ok: true, card: shown, problems: problems.map(({ readerId, code }) => ({ readerId, code })) }, () =>
          keyValues([['reader', shown.readerId], ['technology', shown.technology], ['card id', shown.cardId], ...(shown.tagText !== undefined ? [['tag text', shown.tagText] as [string, string]] : [])]),
        );
        return 0;
      } catch (error) {
        return fail(io, parsed, 'tap-test', `the readers did not start: ${(error as Error).message}`, 1);
      } finally {
        hub.off('status', showStatus);
        await hub.stop();
      }
    },
  };
}

export const command = tapTestCommand();
