import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

// A real journal file (systemd-journal-remote from Debian's systemd-journal-remote package)
// read by the real journalctl: the same path a technician uses with a copied SD card.
const dir = mkdtempSync(join(tmpdir(), 'bashgah-journal-'));
const env = { ...process.env };

function entry(unit: string, message: string, priority: number, seconds: number): string {
  return [
    `__REALTIME_TIMESTAMP=${1_790_000_000_000_000 + seconds * 1_000_000}`,
    `__MONOTONIC_TIMESTAMP=${seconds * 1_000_000 + 1}`,
    '_BOOT_ID=0123456789abcdef0123456789abcdef',
    '_HOSTNAME=kiosk-1',
    `_SYSTEMD_UNIT=${unit}`,
    `PRIORITY=${priority}`,
    'SYSLOG_IDENTIFIER=node',
    `MESSAGE=${message}`,
    '',
    '',
  ].join('\n');
}

beforeAll(() => {
  const lines = [
    entry('bashgah.service', 'ledger opened', 6, 1),
    entry('bashgah.service', 'printer out of paper', 3, 2),
    entry('bashgah-kiosk.service', 'chromium started', 6, 3),
    entry('ssh.service', 'unrelated', 6, 4),
  ];
  for (let index = 0; index < 30; index += 1) lines.push(entry('bashgah.service', `tick ${index}`, 7, 10 + index));
  execFileSync('/lib/systemd/systemd-journal-remote', ['--output', join(dir, 'remote.journal'), '-'], { input: lines.join(''), stdio: ['pipe', 'ignore', 'ignore'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bashgah logs', () => {
  it('shows the service lines only, newest N', async () => {
    const result = await runCli(['logs', '--directory', dir, '-n', '5'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/kiosk-1 node\[?.*tick 29$/);
    expect(result.stdout).not.toContain('chromium');
  });

  it('filters by priority and unit, and prints JSON lines', async () => {
    const errors = await runCli(['logs', '--directory', dir, '--priority', 'err'], env);
    expect(errors.stdout.trim().split('\n')).toHaveLength(1);
    expect(errors.stdout).toContain('printer out of paper');
    const all = await runCli(['logs', '--directory', dir, '--unit', 'all', '-n', '100', '--json'], env);
    const entries = all.stdout.trim().split('\n').map((line) => JSON.parse(line) as { MESSAGE: string; _SYSTEMD_UNIT: string });
    expect(entries.map((item) => item.MESSAGE)).toContain('chromium started');
    expect(entries.map((item) => item.MESSAGE)).not.toContain('unrelated');
  });

  it('rejects bad options before running journalctl', async () => {
    for (const args of [['--unit', 'printer'], ['-n', '0'], ['-n', 'lots'], ['--priority', 'loud'], ['--since', '--all'], ['--boot', 'x'], ['extra']]) {
      const result = await runCli(['logs', ...args], env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('usage: bashgah logs');
    }
  });

  it('reports journalctl failures and a missing journalctl', async () => {
    const missing = await runCli(['logs', '--directory', join(dir, 'nope'), '--since', 'not a time'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/journalctl failed \(1\): .*/);
    const absent = await runCli(['logs', '--json'], { ...env, BASHGAH_JOURNALCTL: '/nonexistent/journalctl' });
    expect(absent.code).toBe(69);
    expect(JSON.parse(absent.stdout)).toMatchObject({ ok: false });
  });
});
