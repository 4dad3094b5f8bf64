import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffAddCommand, staffListCommand, staffPinResetCommand } from '../../firmware/src/cli/commands/staff.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { STAFF_MODULE, type StaffState } from '../../firmware/src/kiosk/staff/module.js';
import { verifyPin } from '../../firmware/src/kiosk/staff/pin.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { ROOT } from '../kiosk/service.js';
import { kioskTree, runCommand, stdinOf, type KioskTree } from './support.js';

let tree: KioskTree;
beforeAll(async () => {
  tree = await kioskTree('staff');
});
afterAll(() => tree.remove());

async function staffState(): Promise<StaffState> {
  const ledger = await Ledger.open({ dataDir: ledgerDirectory(tree.dataDir), modules: kioskLedgerModules(), logger: createLogger({ level: 'silent' }) });
  try {
    const state = ledger.slice<StaffState>(STAFF_MODULE);
    return { members: new Map(state.members), byCard: new Map(state.byCard) };
  } finally {
    await ledger.close();
  }
}

describe('bashgah staff', () => {
  it('says there is nothing to list before a ledger exists', async () => {
    const result = await runCommand(staffListCommand, ['--json'], tree.env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: expect.stringContaining('there is no ledger') });
  });

  it('adds a member with the PIN from stdin, lists them, and journals only a hash', async () => {
    const added = await runCommand(staffAddCommand(stdinOf('4821\n')), ['--name', 'مریم رضایی', '--card', '04A1B2C3D4E5F6', '--pin-stdin', '--json'], tree.env);
    expect(added.code, added.stderr).toBe(0);
    const { staffId } = JSON.parse(added.stdout) as { staffId: string };
    const member = (await staffState()).members.get(staffId)!;
    expect(member).toMatchObject({ name: 'مریم رضایی', cardId: 'nfc:04A1B2C3D4E5F6' });
    expect(await verifyPin('4821', member.pinHash)).toBe(true);
    const journal = join(ledgerDirectory(tree.dataDir), 'journal');
    for (const file of readdirSync(journal)) expect(readFileSync(join(journal, file)).includes('4821')).toBe(false);

    const listed = await runCommand(staffListCommand, [], tree.env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${staffId}\\s+مریم رضایی\\s+-$`, 'm'));
    const json = JSON.parse((await runCommand(staffListCommand, ['--json'], tree.env)).stdout);
    expect(json.staff).toEqual([{ staffId, name: 'مریم رضایی', lockedUntilMs: 0, locked: false }]);
  });

  it('resets a PIN (lifting a lock-out) and refuses unknown ids', async () => {
    const [staffId] = [...(await staffState()).members.keys()];
    const reset = await runCommand(staffPinResetCommand(stdinOf('90817263\n')), [staffId!], tree.env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain(`new PIN set for ${staffId}`);
    const member = (await staffState()).members.get(staffId!)!;
    expect(await verifyPin('90817263', member.pinHash)).toBe(true);
    expect(await verifyPin('4821', member.pinHash)).toBe(false);

    const unknown = await runCommand(staffPinResetCommand(stdinOf('1234\n')), ['s_nobody', '--json'], tree.env);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error).toMatch(/no staff member has that id/);
  });

  it('refuses bad input without changing the ledger', async () => {
    const before = (await staffState()).members.size;
    const add = (stdin: string, args: string[]) => runCommand(staffAddCommand(stdinOf(stdin)), args, tree.env);
    const base = ['--name', 'Ali', '--card', 'nfc:0411223344556677', '--pin-stdin'];
    expect((await add('12a4\n', base)).stderr).toMatch(/a PIN is 4 to 8 digits/);
    expect((await add('123\n', base)).code).toBe(2);
    expect((await add('123456789\n', base)).code).toBe(2);
    expect((await add('', base)).stderr).toMatch(/no PIN on stdin/);
    const onArgv = await add('', ['--name', 'Ali', '--card', 'nfc:0411223344556677', '4821']);
    expect(onArgv).toMatchObject({ code: 2, stderr: expect.stringContaining('never put a PIN on the command line') });
    expect((await add('4821\n', ['--card', 'nfc:0411223344556677', '--pin-stdin'])).stderr).toMatch(/--name is required/);
    expect((await add('4821\n', ['--name', 'Ali', '--card', 'not a card', '--pin-stdin'])).stderr).toMatch(/is not a card id/);
    expect((await add('4821\n', [...base, '--pin', '4821'])).code).toBe(2);
    const taken = await add('4821\n', ['--name', 'Reza', '--card', 'nfc:04A1B2C3D4E5F6', '--pin-stdin', '--json']);
    expect(taken.code).toBe(1);
    expect(JSON.parse(taken.stdout).error).toMatch(/already belongs to a staff member/);
    expect((await staffPinResetCommand(stdinOf('1234\n')).run([], { out() {}, err() {}, env: tree.env }).catch((error: Error) => error.message))).toMatch(/exactly one staff id/);
    expect((await staffState()).members.size).toBe(before);
  });

  it('on a terminal asks for the PIN twice without echo, and refuses two different PINs', async () => {
    const terminal = (typed: string) => () => {
      const stream = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void };
      stream.isTTY = true;
      stream.setRawMode = () => undefined;
      stream.end(typed);
      return stream;
    };
    const differ = await runCommand(staffAddCommand(terminal('1111\r2222\r')), ['--name', 'Omid', '--card', 'em:0055555555'], tree.env);
    expect(differ).toMatchObject({ code: 2, stderr: expect.stringContaining('the two PINs differ; nothing changed') });
    expect(differ.stderr).not.toContain('1111');
    const same = await runCommand(staffAddCommand(terminal('3141\r3141\r')), ['--name', 'Omid', '--card', 'em:0055555555', '--json'], tree.env);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/new PIN \(4 to 8 digits, not shown\): \nthe same PIN again: \n/);
    const { staffId } = JSON.parse(same.stdout) as { staffId: string };
    expect(await verifyPin('3141', (await staffState()).members.get(staffId)!.pinHash)).toBe(true);
  });

  it('says how to proceed when the ledger is open elsewhere', async () => {
    const held = await Ledger.open({ dataDir: ledgerDirectory(tree.dataDir), modules: kioskLedgerModules(), logger: createLogger({ level: 'silent' }) });
    try {
      const result = await runCommand(staffAddCommand(stdinOf('4821\n')), ['--name', 'Sara', '--card', 'em:0012345678', '--pin-stdin'], tree.env);
      expect(result.code).toBe(75);
      expect(result.stderr).toMatch(/has the ledger open: stop it first \(sudo systemctl stop bashgah\)/);
      expect((await runCommand(staffListCommand, [], tree.env)).code).toBe(75);
    } finally {
      await held.close();
    }
  });

  it.skipIf(process.getuid?.() !== 0)('run as root, keeps the ledger files owned by the data directory\'s owner', async () => {
    const owned = await kioskTree('staff-owner');
    try {
      chmodSync(owned.root, 0o755);
      mkdirSync(owned.dataDir, { mode: 0o700 });
      chownSync(owned.dataDir, 65534, 65534); // nobody: stands for the service user
      const run = promisify(execFile)(process.execPath, [join(ROOT, 'dist/firmware/src/cli/main.js'), 'staff', 'add', '--name', 'Ava', '--card', 'em:0011111111', '--pin-stdin'], { env: owned.env });
      run.child.stdin!.end('2468\n');
      await run;
      const journal = join(ledgerDirectory(owned.dataDir), 'journal');
      const files = [ledgerDirectory(owned.dataDir), journal, ...readdirSync(journal).map((name) => join(journal, name))];
      for (const file of files) expect(statSync(file).uid, file).toBe(65534);
    } finally {
      owned.remove();
    }
  });

  it('works end to end through the shipped CLI with the PIN piped in', async () => {
    // The default log level: the ledger's log must not reach stdout, which holds one JSON document.
    const env = { ...tree.env };
    delete env.BASHGAH_LOG_LEVEL;
    const child = promisify(execFile)(process.execPath, [join(ROOT, 'dist/firmware/src/cli/main.js'), 'staff', 'add', '--name', 'Neda', '--card', 'em:0099887766', '--pin-stdin', '--json'], { env });
    child.child.stdin!.end('5566\n');
    const { stdout } = await child;
    const { staffId } = JSON.parse(stdout) as { staffId: string };
    expect(await verifyPin('5566', (await staffState()).members.get(staffId)!.pinHash)).toBe(true);
  });
});
