import { chmodSync, mkdirSync, openSync, readdirSync, closeSync, writeSync, writeFileSync, rmSync, fstatSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { addStaff } from '../../firmware/src/kiosk/staff/admin.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { FakeEscPosPrinter } from '../../hardware/printer/simulated/fake-escpos-printer.js';
import { freePort } from '../kiosk/service.js';
import { kioskTree, runCli, type KioskTree } from './support.js';

interface Check { name: string; state: 'ok' | 'warn' | 'fail'; detail: string; fix?: string }

let tree: KioskTree;
let printer: FakeEscPosPrinter;
let pcscd: Server;
const sysfs = () => join(tree.root, 'sys-gpio');
const journalctl = () => join(tree.root, 'journalctl');

/** A healthy Pi as files: pcscd's socket, a GPIO chip, a synced clock, a clean kernel log, a ledger. */
beforeAll(async () => {
  tree = await kioskTree('doctor');
  printer = new FakeEscPosPrinter();
  await printer.start();
  pcscd = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => pcscd.listen(tree.env.BASHGAH_PCSCD_SOCKET, resolve));
  mkdirSync(join(sysfs(), 'gpiochip512'), { recursive: true });
  for (const [file, value] of [['label', 'pinctrl-bcm2711'], ['base', '512'], ['ngpio', '58']]) writeFileSync(join(sysfs(), 'gpiochip512', file!), `${value}\n`);
  writeFileSync(tree.env.BASHGAH_TIMESYNC_FLAG!, '');
  writeKernelLog('[    2.1] mmc0: new high speed SDHC card at address aaaa\n[    3.0] EXT4-fs (mmcblk0p2): mounted filesystem\n');
  const ledger = await Ledger.open({ dataDir: ledgerDirectory(tree.dataDir), modules: kioskLedgerModules(), logger: createLogger({ level: 'silent' }) });
  for (const [index, name] of ['Ali', 'Sara', 'Reza'].entries()) {
    await addStaff(ledger, { name, cardId: `nfc:04A1B2C3D4E5F${index}`, pin: '1234' }, { kind: 'technician', id: 'test' });
  }
  await ledger.close();
  writeHealthyConfig();
});
afterAll(async () => {
  await printer.close();
  await new Promise((resolve) => pcscd.close(resolve));
  tree.remove();
});

function writeKernelLog(text: string, exitCode = 0): void {
  writeFileSync(journalctl(), `#!/bin/sh\n[ "$1" = "-k" ] || exit 9\ncat <<'LOG'\n${text}LOG\nexit ${exitCode}\n`);
  chmodSync(journalctl(), 0o755);
}

function writeHealthyConfig(extra: Record<string, unknown> = {}): void {
  tree.writeConfig({
    hardware: {
      readers: { drivers: [{ id: 'nfc', driver: 'pcsc' }] },
      printer: { driver: 'escpos', interface: printer.uri },
      indicator: { driver: 'gpio', sysfsRoot: sysfs() },
    },
    ...extra,
  });
}

async function doctor(env: NodeJS.ProcessEnv = {}): Promise<{ code: number; checks: Map<string, Check>; stdout: string; stderr: string }> {
  const result = await runCli(['doctor', '--json'], { ...tree.env, BASHGAH_JOURNALCTL: journalctl(), ...env });
  const parsed = JSON.parse(result.stdout) as { checks: Check[] };
  return { ...result, checks: new Map(parsed.checks.map((check) => [check.name, check])) };
}

describe('bashgah doctor', () => {
  it('passes a healthy kiosk, warning only that the service is stopped', async () => {
    const { code, checks, stderr } = await doctor();
    expect(code).toBe(0);
    expect([...checks.keys()]).toEqual(['config', 'service', 'pcscd', 'reader nfc', 'printer paper', 'gpio', 'disk space', 'clock sync', 'sd card', 'journal']);
    for (const [name, check] of checks) if (name !== 'service') expect(check, name).toMatchObject({ state: 'ok' });
    expect(checks.get('service')).toMatchObject({ state: 'warn', fix: expect.stringContaining('systemctl start bashgah') });
    expect(checks.get('gpio')!.detail).toContain('gpiochip512 "pinctrl-bcm2711" base 512');
    expect(checks.get('journal')!.detail).toBe('sound, last record 3');
    expect(stderr).toMatch(/doctor: 100% \(9\/9\)/);
    const human = await runCli(['doctor'], { ...tree.env, BASHGAH_JOURNALCTL: journalctl() });
    expect(human.stdout).toMatch(/^printer paper\s+OK\s+paper loaded/m);
    expect(human.stdout).toMatch(/0 failed, 1 warning\(s\)/);
  });

  it('fails what is broken and says how to fix each', async () => {
    await new Promise((resolve) => pcscd.close(resolve));
    rmSync(tree.env.BASHGAH_PCSCD_SOCKET!, { force: true });
    writeFileSync(join(sysfs(), 'gpiochip512', 'label'), 'some-other-chip\n');
    rmSync(tree.env.BASHGAH_TIMESYNC_FLAG!);
    printer.setPaper('out');
    writeKernelLog('[  812.3] mmc0: Timeout waiting for hardware interrupt.\n[  812.4] blk_update_request: I/O error, dev mmcblk0, sector 123\n');
    const segment = join(ledgerDirectory(tree.dataDir), 'journal', readdirSync(join(ledgerDirectory(tree.dataDir), 'journal'))[0]!);
    const fd = openSync(segment, 'r+');
    // Inside the first of three records: damage, not a torn tail.
    const early = Math.floor(fstatSync(fd).size / 6);
    writeSync(fd, Buffer.from('XXXX'), 0, 4, early);
    closeSync(fd);
    try {
      const { code, checks, stdout } = await doctor();
      expect(code).toBe(1);
      const expected: Record<string, RegExp> = {
        pcscd: /systemctl enable --now pcscd\.socket/,
        'reader nfc': /fix pcscd first/,
        'printer paper': /new roll/,
        gpio: /chipLabels/,
        'sd card': /back up now .*new, good-quality card/,
        journal: /bashgah journal repair --yes/,
      };
      for (const [name, fix] of Object.entries(expected)) expect(checks.get(name), name).toMatchObject({ state: 'fail', fix: expect.stringMatching(fix) });
      expect(checks.get('clock sync')).toMatchObject({ state: 'warn', fix: expect.stringContaining('timedatectl set-ntp true') });
      expect(checks.get('sd card')!.detail).toMatch(/^2 storage error line\(s\)/);
      expect(checks.get('gpio')!.detail).toMatch(/found gpiochip512 "some-other-chip"/);
      expect(checks.get('config')!.state).toBe('ok');
      const human = await runCli(['doctor'], { ...tree.env, BASHGAH_JOURNALCTL: journalctl() });
      expect(human.stdout).toMatch(/how to fix:\n(  .+\n)+/);
      expect(human.stdout).toMatch(/^  pcscd: start it and keep it on/m);
      void stdout;
    } finally {
      printer.setPaper('ok');
    }
  });

  it('falls back to a kmsg-like file, and says so when no kernel log is readable', async () => {
    const kmsg = join(tree.root, 'kmsg');
    writeFileSync(kmsg, '6,100,5000,-;mmc0: new card\n3,101,9000,-;mmc0: error -110 whilst initialising SD card\n');
    const fromKmsg = await doctor({ BASHGAH_JOURNALCTL: join(tree.root, 'missing-journalctl'), BASHGAH_KMSG: kmsg });
    expect(fromKmsg.checks.get('sd card')).toMatchObject({ state: 'fail', detail: expect.stringContaining('"mmc0: error -110 whilst initialising SD card"') });
    const none = await doctor({ BASHGAH_JOURNALCTL: join(tree.root, 'missing-journalctl'), BASHGAH_KMSG: join(tree.root, 'missing-kmsg') });
    expect(none.checks.get('sd card')).toMatchObject({ state: 'warn', detail: 'cannot read the kernel log', fix: expect.stringContaining('sudo bashgah doctor') });
    writeKernelLog('', 1);
    expect((await doctor({ BASHGAH_KMSG: join(tree.root, 'missing-kmsg') })).checks.get('sd card')!.detail).toBe('cannot read the kernel log');
  });

  it('checks device-file readers and printers, and an unreachable printer', async () => {
    const port = await freePort();
    tree.writeConfig({
      hardware: {
        readers: { drivers: [{ id: 'mag', driver: 'magstripe', path: join(tree.root, 'dev', 'ttyUSB0') }, { id: 'rc', driver: 'rc522' }, { id: 'sim', driver: 'simulated' }] },
        printer: { driver: 'escpos', interface: `tcp://127.0.0.1:${port}` },
      },
    });
    const { checks, code } = await doctor();
    expect(code).toBe(1);
    expect(checks.get('pcscd')).toMatchObject({ state: 'ok', detail: 'not needed: no PC/SC reader is configured' });
    expect(checks.get('reader mag')).toMatchObject({ state: 'fail', fix: expect.stringContaining('/dev/serial/by-id') });
    expect(checks.get('reader rc')).toMatchObject({ state: 'fail', fix: expect.stringContaining('raspi-config nonint do_spi 0') });
    expect(checks.get('reader sim')!.state).toBe('warn');
    expect(checks.get('printer paper')).toMatchObject({ state: 'fail', detail: expect.stringContaining('ECONNREFUSED'), fix: expect.stringContaining('IP address') });
    expect(checks.get('gpio')).toMatchObject({ state: 'ok', detail: 'not used (indicator driver simulated)' });
    mkdirSync(join(tree.root, 'dev'), { recursive: true });
    writeFileSync(join(tree.root, 'dev', 'ttyUSB0'), '');
    writeFileSync(join(tree.root, 'dev', 'gpiomem'), '');
    const fixed = await doctor();
    expect(fixed.checks.get('reader mag')!.state).toBe('ok');
    expect(fixed.checks.get('reader rc')!.state).toBe('ok');
  });

  it('reports an invalid configuration and skips what depends on it', async () => {
    writeFileSync(tree.configPath, JSON.stringify({ http: { port: 'eighty' } }));
    const { code, checks } = await doctor();
    expect(code).toBe(1);
    expect(checks.get('config')).toMatchObject({ state: 'fail', detail: expect.stringContaining('/http/port'), fix: expect.stringContaining('bashgah config set') });
    expect(checks.get('pcscd')).toMatchObject({ state: 'warn', detail: 'skipped: the configuration is invalid' });
    expect(checks.has('disk space')).toBe(true);
    expect((await runCli(['doctor', 'extra'], tree.env)).code).toBe(2);
  });
});
