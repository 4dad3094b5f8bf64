import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { factoryResetCommand } from '../../firmware/src/cli/commands/factory-reset.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { ROOT } from '../kiosk/service.js';
import { kioskTree, runCli, runCommand, stdinOf, type KioskTree } from './support.js';

let tree: KioskTree;

/** A used kiosk: a ledger with a record, the voucher key, the sync device key, a spool. */
beforeEach(async () => {
  tree = await kioskTree('reset');
  tree.writeConfig({ device: { id: 'kiosk-tehran-7' } });
  const ledger = await Ledger.open({ dataDir: ledgerDirectory(tree.dataDir), modules: kioskLedgerModules(), logger: createLogger({ level: 'silent' }) });
  await ledger.close();
  mkdirSync(join(tree.dataDir, 'keys'), { recursive: true });
  writeFileSync(join(tree.dataDir, 'keys', 'voucher-ed25519.pem'), 'PRIVATE KEY\n', { mode: 0o600 });
  writeFileSync(join(tree.dataDir, 'sync-device.json'), '{"deviceId":"kiosk-tehran-7"}\n', { mode: 0o600 });
  mkdirSync(join(tree.dataDir, 'printer-spool'));
  writeFileSync(join(tree.dataDir, 'printer-spool', 'job.json'), '{}');
});
afterEach(() => tree.remove());

function asideDirs(): string[] {
  return readdirSync(dirname(tree.dataDir)).filter((name) => name.startsWith('data.factory-reset-'));
}

const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;

describe('bashgah factory-reset', () => {
  // A data directory that is a mount point (a data partition, a StateDirectory) cannot be
  // renamed: the shipped CLI runs in a private mount namespace where the data dir is bind-mounted.
  it.skipIf(!canMount)('empties a data directory that is a mount point into a folder inside it', () => {
    const cli = join(ROOT, 'dist/firmware/src/cli/main.js');
    const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "$1" && exec "$2" "$3" factory-reset --yes --yes --json', 'sh', tree.dataDir, process.execPath, cli], { env: tree.env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as { movedTo: string; how: string; keptIdentity: string[] };
    expect(answer).toMatchObject({ how: 'emptied', keptIdentity: ['keys', 'sync-device.json'] });
    expect(dirname(answer.movedTo)).toBe(tree.dataDir);
    expect(readdirSync(answer.movedTo).sort()).toEqual(['keys', 'ledger', 'printer-spool', 'sync-device.json']);
    expect(readdirSync(tree.dataDir).sort()).toEqual([answer.movedTo.split('/').pop(), 'keys', 'sync-device.json'].sort());
  });

  it('with --yes --yes moves the data aside, says where, and keeps the identity keys', async () => {
    const result = await runCli(['factory-reset', '--yes', '--yes', '--json'], tree.env);
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as { movedTo: string; how: string; keptIdentity: string[] };
    expect(answer).toMatchObject({ ok: true, how: 'renamed', keptIdentity: ['keys', 'sync-device.json'] });
    expect(asideDirs()).toEqual([answer.movedTo.split('/').pop()]);
    // Nothing was deleted: the old tree is complete where the command said.
    expect(readdirSync(answer.movedTo).sort()).toEqual(['keys', 'ledger', 'printer-spool', 'sync-device.json']);
    expect(readdirSync(tree.dataDir).sort()).toEqual(['keys', 'sync-device.json']);
    expect(readFileSync(join(tree.dataDir, 'keys', 'voucher-ed25519.pem'), 'utf8')).toBe('PRIVATE KEY\n');
    expect(statSync(join(tree.dataDir, 'sync-device.json')).mode & 0o777).toBe(0o600);
    expect(result.stderr).toMatch(/moving data aside: 100%/);
  });

  it('--forget-identity starts with an empty data directory (the keys stay in the old one)', async () => {
    const result = await runCli(['factory-reset', '--yes', '--yes', '--forget-identity'], tree.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^old data kept in\s+.*data\.factory-reset-/m);
    expect(result.stdout).toMatch(/identity kept\s+no/);
    expect(readdirSync(tree.dataDir)).toEqual([]);
    expect(existsSync(join(dirname(tree.dataDir), asideDirs()[0]!, 'keys', 'voucher-ed25519.pem'))).toBe(true);
  });

  it('asks for the device id, then "yes"', async () => {
    const run = (answers: string) => runCommand(factoryResetCommand(stdinOf(answers)), [], tree.env);
    for (const answers of ['demo-kiosk\nyes\n', 'kiosk-tehran-7\nno\n', 'kiosk-tehran-7\n', '']) {
      const refused = await run(answers);
      expect(refused.code, answers).toBe(1);
      expect(refused.stderr).toMatch(/not confirmed; nothing changed/);
    }
    expect(asideDirs()).toEqual([]);
    expect(existsSync(ledgerDirectory(tree.dataDir))).toBe(true);
    const done = await run('kiosk-tehran-7\nyes\n');
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('Type the device id (kiosk-tehran-7) to continue: ');
    expect(asideDirs()).toHaveLength(1);
  });

  it('refuses a single --yes, a missing data dir, and an open ledger', async () => {
    expect((await runCli(['factory-reset', '--yes'], tree.env)).stderr).toMatch(/--yes must be given twice/);
    const held = await Ledger.open({ dataDir: ledgerDirectory(tree.dataDir), modules: kioskLedgerModules(), logger: createLogger({ level: 'silent' }) });
    try {
      // The lock holder here is this very process; a live service is tested in service-running.test.ts.
      writeFileSync(join(ledgerDirectory(tree.dataDir), 'lock'), `${process.ppid}\n`);
      const busy = await runCli(['factory-reset', '--yes', '--yes', '--json'], tree.env);
      expect(busy.code).toBe(75);
      expect(JSON.parse(busy.stdout).error).toMatch(/the service is running \(process \d+ has the ledger open\): stop it first/);
    } finally {
      await held.close();
    }
    expect(asideDirs()).toEqual([]);
    const missing = await runCli(['factory-reset', '--yes', '--yes'], { ...tree.env, BASHGAH_DATA_DIR: join(tree.root, 'nothing-here') });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('nothing to reset') });
  });
});
