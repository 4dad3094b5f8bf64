import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { emit, keyValues, parseCommandArgs, table } from '../output.js';
import { loadConfig } from '../../config/load.js';
import { timesyncFlagPath } from '../../ops/local-state.js';
import { collectStatus, type StatusLine } from '../../ops/status-report.js';

export const command: Command = {
  path: ['status'],
  summary: 'readers, printer, journal, sync, disk and clock at a glance',
  usage: `usage: bashgah status [--json]

Asks the running service (GET /healthz on 127.0.0.1 and http.port); when it does not answer,
reads what it can from the files: the journal, the data directory's disk space and whether
the clock has been synchronised since boot.
Exit code: 0 all well, 1 something degraded or failing, 3 the service is not running.`,
  async run(args, io) {
    const parsed = parseCommandArgs(args);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const { config, dataDir } = await loadConfig(io.env);
    const report = await collectStatus(config, dataDir, timesyncFlagPath(io.env));
    const rows = Object.entries(report.checks) as Array<[string, StatusLine]>;
    emit(io, parsed, report, () => {
      const service = report.service.running
        ? `running (${report.service.url}, up ${report.service.uptimeSeconds ?? 0} s)`
        : `NOT RUNNING (${report.service.url}: ${report.service.reason ?? 'no answer'}); start it with sudo systemctl start bashgah`;
      const head = keyValues([['service', service], ['overall', report.status]]);
      const body = table(rows, [
        { header: 'check', value: ([name]) => name },
        { header: 'state', value: ([, line]) => line.state },
        { header: 'detail', value: ([, line]) => line.detail ?? '' },
      ]);
      return `${head}\n${body}`;
    });
    if (!report.service.running) return 3;
    return rows.every(([, line]) => line.state === 'ok' || line.state === 'disabled') ? 0 : 1;
  },
};
