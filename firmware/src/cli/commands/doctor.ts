import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { emit, parseCommandArgs, progressReporter, table } from '../output.js';
import { DEFAULT_DATA_DIR } from '../../config/load.js';
import { checkGpio, checkPcscd, checkPrinter, checkReaders, type CheckResult, type HardwareFacts } from '../../ops/doctor-checks.js';
import { checkClock, checkConfig, checkDisk, checkJournal, checkSdCard, checkService } from '../../ops/doctor-system.js';
import { kernelLogSources } from '../../ops/kernel-log.js';
import { timesyncFlagPath } from '../../ops/local-state.js';
import { probeHealth } from '../../ops/service-probe.js';
import { pcscdSocketPath } from '../../../../hardware/readers/pcsc/pcscd-socket.js';

const usage = `usage: bashgah doctor [--json]

Checks what a kiosk needs and says how to fix what fails: the configuration, the service,
pcscd, each configured reader, the printer's paper, GPIO, disk space, clock sync, SD card
errors in the kernel log, and the journal. While the service runs, the readers and the
printer are asked through it (it owns them).
Exit code: 0 nothing failed (warnings allowed), 1 something failed.
Paths can be pointed elsewhere (tests, images): BASHGAH_PCSCD_SOCKET (else PCSCLITE_CSOCK_NAME), BASHGAH_DEV_ROOT,
BASHGAH_TIMESYNC_FLAG, BASHGAH_JOURNALCTL, BASHGAH_KMSG.`;

type Step = () => Promise<CheckResult | CheckResult[]>;

export const command: Command = {
  path: ['doctor'],
  summary: 'check pcscd, readers, printer, GPIO, disk, clock, SD card, config, journal; say how to fix',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs(args);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const env = io.env;
    const config = await checkConfig(env);
    const dataDir = config.loaded?.dataDir ?? env.BASHGAH_DATA_DIR ?? DEFAULT_DATA_DIR;
    const steps: Step[] = [];
    const loaded = config.loaded;
    if (loaded) {
      const health = await probeHealth(loaded.config);
      const facts: HardwareFacts = {
        config: loaded.config,
        pcscdSocket: env.BASHGAH_PCSCD_SOCKET ?? pcscdSocketPath(env),
        devRoot: env.BASHGAH_DEV_ROOT ?? '/dev',
        health,
      };
      steps.push(async () => checkService(health), () => checkPcscd(facts), () => checkReaders(facts), () => checkPrinter(facts), () => checkGpio(facts));
    } else {
      const skipped = (name: string): CheckResult => ({ name, state: 'warn', detail: 'skipped: the configuration is invalid', fix: 'fix the configuration first' });
      steps.push(async () => ['service', 'pcscd', 'readers', 'printer paper', 'gpio'].map(skipped));
    }
    steps.push(() => checkDisk(dataDir), () => checkClock(timesyncFlagPath(env)), () => checkSdCard(kernelLogSources(env)), () => checkJournal(dataDir));

    const checks: CheckResult[] = [config.check];
    const progress = progressReporter(io, 'doctor', steps.length);
    for (const [index, step] of steps.entries()) {
      checks.push(...[await step()].flat());
      progress(index + 1);
    }
    const failed = checks.filter((check) => check.state === 'fail').length;
    const warned = checks.filter((check) => check.state === 'warn').length;
    emit(io, parsed, { ok: failed === 0, failed, warned, checks }, () => {
      const lines = [table(checks, [
        { header: 'check', value: (check) => check.name },
        { header: 'result', value: (check) => check.state.toUpperCase() },
        { header: 'detail', value: (check) => check.detail },
      ])];
      const advice = checks.filter((check) => check.fix !== undefined);
      if (advice.length > 0) lines.push(`\nhow to fix:\n${advice.map((check) => `  ${check.name}: ${check.fix}`).join('\n')}\n`);
      lines.push(`\n${failed} failed, ${warned} warning(s)\n`);
      return lines.join('');
    });
    return failed === 0 ? 0 : 1;
  },
};
