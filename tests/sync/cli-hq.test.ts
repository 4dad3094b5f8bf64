import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../../sync/hq/dev/temp-postgres.js';
import { loadIdentity } from '../../sync/agent/identity.js';
import { HqClient } from '../../sync/agent/client.js';
import { MemoryLedger } from './support/memory-ledger.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/firmware/src/cli/main.js');

/** `bashgah hq` as an operator uses it: compiled CLI, embedded PGlite in a data directory. */
describe('bashgah hq', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bashgah-hq-cli-'));
  const env = { ...process.env, DATABASE_URL: '', BASHGAH_HQ_DATA_DIR: dataDir, BASHGAH_HQ_ADMIN_TOKEN: 'cli-admin-token-0123456789', BASHGAH_LOG_LEVEL: 'warn' };
  let server: ChildProcess | undefined;

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('provisions a device, serves it, and stops cleanly on SIGTERM', async () => {
    const keyFile = join(dataDir, 'kiosk-cli.json');
    const added = await run(process.execPath, [cli, 'hq', 'device', 'add', 'kiosk-cli', '--store', 'store-9', '--out', keyFile], { env });
    expect(added.stdout).toContain('kiosk-cli');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(keyFile, 'utf8'))).toMatchObject({ deviceId: 'kiosk-cli', storeId: 'store-9' });

    const port = await freeLoopbackPort();
    server = spawn(process.execPath, [cli, 'hq', 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
      server!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const identity = await loadIdentity(keyFile);
    const ledger = new MemoryLedger();
    ledger.commit('c1', [{ op: 'transfer', debit: 'club:earned', credit: 'member:mc:points', amount: 7, unit: 'points', reason: 'earn' }]);
    const answer = await new HqClient(`http://127.0.0.1:${port}`, identity, 10_000).push(ledger.all());
    expect(answer).toMatchObject({ highWaterMark: 1, stored: 1 });
    const exited = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);

    const devices = JSON.parse((await run(process.execPath, [cli, 'hq', 'devices', '--json'], { env })).stdout) as { devices: Array<Record<string, unknown>> };
    expect(devices.devices).toEqual([expect.objectContaining({ id: 'kiosk-cli', storeId: 'store-9', highWaterMark: 1 })]);
    const revoked = await run(process.execPath, [cli, 'hq', 'device', 'revoke', 'kiosk-cli'], { env });
    expect(revoked.stdout).toContain('revoked');
    await expect(run(process.execPath, [cli, 'hq', 'frobnicate'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
