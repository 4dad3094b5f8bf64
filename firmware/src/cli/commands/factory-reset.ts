import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command, CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, keyValues, parseCommandArgs, progressReporter } from '../output.js';
import { loadConfig } from '../../config/load.js';
import { ledgerDirectory } from '../../ledger/paths.js';
import { factoryReset, identityPaths } from '../../ops/factory-reset.js';
import { InputError, LineInput } from '../../ops/line-input.js';
import { serviceInUse, stopServiceAdvice } from '../../ops/service-probe.js';

/** Asks twice: the device id (proves the right kiosk), then "yes". */
async function confirmed(io: CommandIO, stdin: Readable, deviceId: string, dataDir: string): Promise<boolean> {
  const input = new LineInput(stdin);
  try {
    io.err(`Factory reset moves every member, point, voucher and setting in ${dataDir} aside; the kiosk starts empty.\n`);
    io.err(`Type the device id (${deviceId}) to continue: `);
    if ((await input.line())?.trim() !== deviceId) return false;
    io.err('Type yes to reset this kiosk: ');
    return (await input.line())?.trim() === 'yes';
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  } finally {
    input.close();
  }
}

export function factoryResetCommand(stdin: () => Readable = () => process.stdin): Command {
  return {
    path: ['factory-reset'],
    summary: 'set the kiosk back to empty (data moved aside, never deleted); asks twice',
    usage: `usage: bashgah factory-reset [--yes --yes] [--forget-identity] [--json]

Moves the whole data directory aside (beside it, or inside it when it is a mount point) and
says where; nothing is deleted. The device identity keys (keys/ and the sync device key) are
copied back, so the head office still knows this kiosk, unless --forget-identity.
Asks for the device id and then "yes"; scripts give --yes twice instead.
The service must be stopped first: sudo systemctl stop bashgah.`,
    async run(args, io) {
      const parsed = parseCommandArgs(args, { yes: { type: 'boolean', multiple: true }, 'forget-identity': { type: 'boolean' } });
      if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
      const yesCount = (parsed.values as unknown as { yes?: boolean[] }).yes?.length ?? 0;
      if (yesCount === 1) throw new UsageError('--yes must be given twice to reset without questions');
      const { config, dataDir } = await loadConfig(io.env);
      const use = await serviceInUse(config, ledgerDirectory(dataDir));
      if (use.running) return fail(io, parsed, 'factory-reset', stopServiceAdvice(`the service is running (${use.evidence})`), 75);
      if (!existsSync(dataDir)) return fail(io, parsed, 'factory-reset', `nothing to reset: ${dataDir} does not exist`, 1);
      if (yesCount < 2 && !(await confirmed(io, stdin(), config.device.id, dataDir))) {
        return fail(io, parsed, 'factory-reset', 'not confirmed; nothing changed', 1);
      }
      const progress = progressReporter(io, 'moving data aside', 1);
      let reported: ((done: number) => void) | undefined;
      const result = await factoryReset({
        dataDir,
        identity: identityPaths(dataDir, config.sync.keyFile),
        forgetIdentity: parsed.values['forget-identity'] === true,
        nowMs: Date.now(),
        onProgress: (done, total) => {
          reported ??= total === 1 ? progress : progressReporter(io, 'moving data aside', total);
          reported(done);
        },
      });
      emit(io, parsed, { ok: true, dataDir, ...result }, () =>
        keyValues([
          ['reset', dataDir],
          ['old data kept in', result.movedTo],
          ['identity kept', result.keptIdentity.length > 0 ? result.keptIdentity.join(', ') : 'no (a new identity is made at the next start)'],
        ]) + 'start the service to begin empty: sudo systemctl start bashgah\n',
      );
      return 0;
    },
  };
}

export const command = factoryResetCommand();
