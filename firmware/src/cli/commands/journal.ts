import type { Command, CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, keyValues, parseCommandArgs, table } from '../output.js';
import { loadConfig } from '../../config/load.js';
import { NodeFileSystem } from '../../ledger/fs/node-file-system.js';
import { repairJournal, verifyJournal, type VerifyReport } from '../../ledger/journal/verify.js';
import { acquireLedgerLock } from '../../ledger/lock.js';
import { ledgerDirectory } from '../../ledger/paths.js';

async function ledgerDir(io: CommandIO): Promise<string> {
  return ledgerDirectory((await loadConfig(io.env)).dataDir);
}

function describeReport(report: VerifyReport): string {
  const lines = [
    keyValues([
      ['state', report.ok ? (report.tornTail ? 'ok (torn tail: cut at next start)' : 'ok') : 'DAMAGED'],
      ['snapshot at record', report.snapshotSeq],
      ['records in journal', report.records],
      ['last record', report.lastSeq],
    ]),
  ];
  if (report.segments.length > 0) {
    lines.push(table(report.segments, [
      { header: 'segment', value: (s) => s.name },
      { header: 'first record', value: (s) => s.firstSeq, align: 'right' },
      { header: 'records', value: (s) => s.records, align: 'right' },
    ]));
  }
  if (report.tornTail) lines.push(`torn tail: ${report.tornTail.bytes} bytes at byte ${report.tornTail.offset} of ${report.tornTail.file}\n`);
  if (report.damage) {
    lines.push(`damage: ${report.damage.file} at byte ${report.damage.offset}: ${report.damage.reason}\n`);
    lines.push('run `bashgah journal repair --yes` to cut it out (a copy of everything removed is kept)\n');
  }
  return lines.join('\n');
}

export const verifyCommand: Command = {
  path: ['journal', 'verify'],
  summary: 'check the ledger journal (checksums, sequence, hash chain)',
  usage: `usage: bashgah journal verify [--json]

Reads the whole journal without changing it. Exit code 0 when it is sound (a torn tail from
an interrupted write is sound: the next start cuts it), 1 when it is damaged.`,
  async run(args, io) {
    const parsed = parseCommandArgs(args);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const report = await verifyJournal(new NodeFileSystem(), await ledgerDir(io));
    emit(io, parsed, report, () => describeReport(report));
    return report.ok ? 0 : 1;
  },
};

export const repairCommand: Command = {
  path: ['journal', 'repair'],
  summary: 'cut damage out of the journal, keeping a copy of what is removed',
  usage: `usage: bashgah journal repair --yes [--json]

Cuts the journal back to its last trustworthy record: a torn tail, or a damaged record and
everything after it. Every removed byte is copied to journal/removed-<time>/ first. The
service must be stopped (systemctl stop bashgah). Without --yes it only says what it would do.`,
  async run(args, io) {
    const parsed = parseCommandArgs(args, { yes: { type: 'boolean' } });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const fs = new NodeFileSystem();
    const dir = await ledgerDir(io);
    if (parsed.values.yes !== true) {
      const report = await verifyJournal(fs, dir);
      emit(io, parsed, { dryRun: true, report }, () => `${describeReport(report)}\nnothing changed: add --yes to repair\n`);
      return report.ok && !report.tornTail ? 0 : 1;
    }
    let release: () => void;
    try {
      release = acquireLedgerLock(dir);
    } catch (error) {
      return fail(io, parsed, 'journal repair', (error as Error).message, 1);
    }
    try {
      const result = await repairJournal(fs, dir, Date.now());
      emit(io, parsed, result, () =>
        result.keptIn === undefined
          ? 'nothing to repair: the journal is sound\n'
          : `removed ${result.removedBytes} bytes (${result.removedRecords} readable records after the damage); copy kept in ${result.keptIn}\n\n${describeReport(result.after)}`,
      );
      return result.after.ok ? 0 : 1;
    } finally {
      release();
    }
  },
};
