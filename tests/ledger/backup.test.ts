import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../firmware/src/cli/main.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { clubAccount, memberAccount } from '../../firmware/src/ledger/types.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { tempDir } from '../support/temp-dir.js';

const quiet = createLogger({ level: 'silent' });
const actor = { kind: 'staff' as const, id: 'admin' };

async function journalHashes(ledgerDir: string): Promise<string[]> {
  const ledger = await Ledger.open({ dataDir: ledgerDir, logger: quiet, clock: new ManualClock() });
  try {
    return (await ledger.readRecords(0, 100_000)).map((entry) => entry.hash);
  } finally {
    await ledger.close();
  }
}

function cli(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    run: (...args: string[]) => main(args, { out: (t) => out.push(t), err: (t) => err.push(t), env }),
  };
}

describe('backup and restore', () => {
  let dir: ReturnType<typeof tempDir>;
  let ledgerDir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    dir = tempDir();
    ledgerDir = ledgerDirectory(join(dir.path, 'data'));
    env = { BASHGAH_DATA_DIR: join(dir.path, 'data') };
    const ledger = await Ledger.open({ dataDir: ledgerDir, logger: quiet, clock: new ManualClock(), snapshotEveryRecords: 100 });
    ledger.retainFrom(() => 1); // keep every record, as if the head office had none yet
    await ledger.commit({ id: 'c0', actor, ops: [{ op: 'member.create', memberId: 'm1', name: 'Leila', phone: '09124444444', smsConsent: true, storeId: 's' }] });
    for (let i = 1; i <= 250; i++) {
      await ledger.commit({ id: `c${i}`, actor, ops: [{ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount('m1'), amount: i, unit: 'points', reason: 'earn' }] });
    }
    await ledger.close();
  });
  afterEach(() => dir.remove());

  it('backup → wipe → restore gives back the same ledger, with the same journal hashes', async () => {
    const before = await journalHashes(ledgerDir);
    const file = join(dir.path, 'backup.tar.gz');
    const { run, out } = cli(env);
    expect(await run('backup', file, '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ ok: true, manifest: { lastSeq: 251 } });
    rmSync(ledgerDir, { recursive: true });
    expect(await run('restore', file, '--yes')).toBe(0);
    expect(await journalHashes(ledgerDir)).toEqual(before);
    const ledger = await Ledger.open({ dataDir: ledgerDir, logger: quiet });
    expect(ledger.balance(memberAccount('m1'))).toBe((250 * 251) / 2);
    await ledger.close();
  });

  it('keeps the ledger it replaces, and refuses a damaged backup without touching anything', async () => {
    const file = join(dir.path, 'backup.tar.gz');
    const { run, err } = cli(env);
    expect(await run('backup', file)).toBe(0);
    expect(await run('restore', file)).toBe(2); // no --yes
    expect(await run('restore', file, '--yes', '--json')).toBe(0);
    expect(existsSync(ledgerDir)).toBe(true);
    const damaged = readFileSync(file);
    damaged[damaged.length - 30]! ^= 0xff;
    writeFileSync(file, damaged);
    expect(await run('restore', file, '--yes')).toBe(1);
    expect(err.join('')).toMatch(/restore:/);
    expect((await journalHashes(ledgerDir)).length).toBeGreaterThan(0);
  });

  it('takes a consistent backup while the service is writing, and restore waits for it to stop', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../dist/tests/support/ledger-crash-child.js', import.meta.url)), ledgerDir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const file = join(dir.path, 'live.tar.gz');
    const { run, err } = cli(env);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
      });
      expect(await run('backup', file)).toBe(0);
      expect(await run('restore', file, '--yes')).toBe(1);
      expect(err.join('')).toContain('open in another process');
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
    }
    expect(await run('restore', file, '--yes')).toBe(0);
    const ledger = await Ledger.open({ dataDir: ledgerDir, logger: quiet });
    expect(ledger.lastSeq).toBeGreaterThanOrEqual(251);
    await ledger.close();
  });
});
