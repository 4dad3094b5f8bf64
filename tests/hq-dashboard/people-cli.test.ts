import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../sync/hq/db.js';
import { createDatabase, startTempPostgres, type TempPostgres } from '../../sync/hq/dev/temp-postgres.js';
import { checkSignIn } from '../../sync/hq/dashboard/users.js';
import { runUserAction } from '../../firmware/src/cli/commands/hq-users.js';
import { hqCommand } from '../../firmware/src/cli/commands/hq.js';
import { Readable } from 'node:stream';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/firmware/src/cli/main.js');

/**
 * `bashgah hq user …` as an operator runs it: the compiled CLI against PostgreSQL from
 * DATABASE_URL (PGlite would cost seconds per command to open), passwords on stdin or in a file.
 */
describe('bashgah hq user', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bashgah-hq-users-'));
  let postgres: TempPostgres;
  let databaseUrl = '';
  const env = () => ({ ...process.env, DATABASE_URL: databaseUrl, BASHGAH_HQ_DATA_DIR: dataDir, BASHGAH_LOG_LEVEL: 'warn' });
  beforeAll(async () => {
    postgres = await startTempPostgres({ fsync: false });
    databaseUrl = await createDatabase(postgres.url, 'users');
  });
  afterAll(async () => {
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (args: string[], stdin = '') =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'hq', 'user', ...args], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });

  /** The same command in this process (no Node start-up per call): for the many refusals and changes. */
  const runHere = async (args: string[], stdin = '') => {
    let stdout = '';
    let stderr = '';
    const io = { out: (text: string) => void (stdout += text), err: (text: string) => void (stderr += text), env: env() };
    try {
      const code = await runUserAction(args, io, () => Readable.from(stdin ? [stdin] : []));
      return { code, stdout, stderr };
    } catch (error) {
      return { code: (error as Error).name === 'UsageError' ? 2 : 70, stdout, stderr: `${stderr}${(error as Error).message}` };
    }
  };

  it('adds users with the password from stdin or a file, refusing bad input with the field named', async () => {
    const added = await run(['add', 'maryam', '--role', 'manager', '--display-name', 'مریم احمدی', '--json'], 'a-long-manager-password\n');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ username: 'maryam', role: 'manager', storeIds: null, displayName: 'مریم احمدی' });

    const noStore = await runHere(['add', 'reza', '--role', 'store-manager'], 'a-long-password-1\n');
    expect(noStore.code).toBe(1);
    expect(noStore.stderr).toContain('store: a store manager needs at least one --store');
    const short = await runHere(['add', 'reza', '--role', 'store-manager', '--store', 'store-a'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password: ');
    const noPassword = await runHere(['add', 'reza', '--role', 'store-manager', '--store', 'store-a'], '');
    expect(noPassword.code).toBe(2);

    const file = join(dataDir, 'password.txt');
    writeFileSync(file, 'a-long-store-password\n', { mode: 0o600 });
    const fromFile = await runHere(['add', 'reza', '--role', 'store-manager', '--store', 'store-a', '--store', 'store-c', '--password-file', file]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toContain('stores store-a, store-c');
    const twice = await runHere(['add', 'reza', '--role', 'support'], 'another-long-password\n');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('exists already');
  });

  it('lists, disables and resets passwords; each change is audited as the command line', async () => {
    const list = await run(['list']);
    expect(list.stdout).toMatch(/maryam\s+مریم احمدی\s+manager\s+all\s+active/);
    expect(list.stdout).toMatch(/reza\s+reza\s+store-manager\s+store-a,store-c\s+active/);

    expect((await runHere(['password', 'reza'], 'a-new-store-password\n')).code).toBe(0);
    expect((await runHere(['disable', 'maryam'])).code).toBe(0);
    expect((await runHere(['disable', 'nobody'])).stderr).toContain('no user "nobody"');
    const after = JSON.parse((await runHere(['list', '--json'])).stdout) as { users: Array<{ username: string; disabled: boolean }> };
    expect(after.users.map((u) => [u.username, u.disabled])).toEqual([['maryam', true], ['reza', false]]);

    const db = await openPostgres(databaseUrl, 2);
    try {
      expect((await checkSignIn(db, 'reza', 'a-new-store-password', Date.now())).ok).toBe(true);
      expect((await checkSignIn(db, 'reza', 'a-long-store-password', Date.now())).ok).toBe(false);
      expect((await checkSignIn(db, 'maryam', 'a-long-manager-password', Date.now())).ok).toBe(false);
      const audit = await db.query<{ username: string; action: string; subject: string }>('SELECT username, action, subject FROM dashboard_audit ORDER BY id');
      expect(audit.rows.map((row) => `${row.username} ${row.action} ${row.subject}`)).toEqual([
        '(command line) user.add user:maryam',
        '(command line) user.add user:reza',
        '(command line) user.password user:reza',
        '(command line) user.disable user:maryam',
      ]);
    } finally {
      await db.close();
    }
  });

  it('shows the user actions in hq usage', () => {
    expect(hqCommand.usage).toContain('user add <username> --role');
    expect(hqCommand.usage).toContain('user password <username>');
  });
});
