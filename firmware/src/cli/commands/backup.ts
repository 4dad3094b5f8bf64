import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, keyValues, parseCommandArgs } from '../output.js';
import { loadConfig } from '../../config/load.js';
import { backupLedger, defaultBackupName, restoreLedger } from '../../ledger/backup.js';
import { ledgerDirectory } from '../../ledger/paths.js';

export const backupCommand: Command = {
  path: ['backup'],
  summary: 'copy the ledger (snapshot + journal) to a file or USB stick',
  usage: `usage: bashgah backup [DESTINATION] [--json]

Writes a consistent copy of the ledger — the snapshot and every journal record, with a
manifest of checksums — as one .tar.gz file. DESTINATION is a file or a directory (e.g. a
mounted USB stick, /media/usb); default: the current directory. Safe while the service runs.`,
  async run(args, io) {
    const parsed = parseCommandArgs(args);
    if (parsed.positionals.length > 1) throw new UsageError('give at most one destination');
    const { config, dataDir } = await loadConfig(io.env);
    const now = Date.now();
    let destination = resolve(parsed.positionals[0] ?? '.');
    try {
      if (statSync(destination).isDirectory()) destination = join(destination, defaultBackupName(config.device.id, now));
    } catch {
      // A file that does not exist yet: it is the destination.
    }
    try {
      const result = await backupLedger(ledgerDirectory(dataDir), destination, config.device.id, now);
      emit(io, parsed, { ok: true, ...result }, () =>
        keyValues([
          ['backup', result.file],
          ['last record', result.manifest.lastSeq],
          ['snapshot at record', result.manifest.snapshotSeq],
          ['files', Object.keys(result.manifest.files).length],
        ]),
      );
      return 0;
    } catch (error) {
      return fail(io, parsed, 'backup', (error as Error).message, 1);
    }
  },
};

export const restoreCommand: Command = {
  path: ['restore'],
  summary: 'put a backup in place of the ledger (the service must be stopped)',
  usage: `usage: bashgah restore FILE --yes [--json]

Checks every checksum and the journal's hash chain, then replaces the ledger with the
backup. The ledger that was there is kept beside it (ledger.before-restore-<time>), never
deleted. Stop the service first: systemctl stop bashgah.`,
  async run(args, io) {
    const parsed = parseCommandArgs(args, { yes: { type: 'boolean' } });
    if (parsed.positionals.length !== 1) throw new UsageError('give the backup file to restore');
    if (parsed.values.yes !== true) throw new UsageError('restoring replaces the ledger: add --yes to confirm');
    const { dataDir } = await loadConfig(io.env);
    try {
      const result = await restoreLedger(ledgerDirectory(dataDir), resolve(parsed.positionals[0]!), Date.now());
      emit(io, parsed, { ok: true, ...result }, () =>
        keyValues([
          ['restored', parsed.positionals[0]],
          ['from device', result.manifest.deviceId],
          ['last record', result.report.lastSeq],
          ['previous ledger kept in', result.previousKeptIn ?? '(there was none)'],
        ]),
      );
      return 0;
    } catch (error) {
      return fail(io, parsed, 'restore', (error as Error).message, 1);
    }
  },
};
