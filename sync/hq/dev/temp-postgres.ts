import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server (Debian's postgresql 15) for tests and benchmarks: a fresh
 * cluster in a temporary directory, listening on a free loopback port. PostgreSQL refuses to
 * run as root, so when we are root the cluster is owned by and run as the `postgres` user.
 */
export const POSTGRES_BIN = process.env.BASHGAH_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TempPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown) and deletes its directory. */
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const asRoot = process.getuid?.() === 0;
function postgresUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Runs a PostgreSQL binary as the postgres user when we are root, as ourselves otherwise. */
function command(binary: string, args: string[]): [string, string[]] {
  const path = join(POSTGRES_BIN, binary);
  // setpriv execs postgres in place (no intermediate process), so our signals reach it directly,
  // and --pdeathsig kills it if this process dies without stopping it (a test run killed hard).
  return asRoot
    ? ['/usr/bin/setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--pdeathsig', 'SIGKILL', '--', path, ...args]]
    : [path, args];
}

export interface TempPostgresOptions {
  /** fsync off makes tests faster; benchmarks keep the default (on). */
  fsync?: boolean;
  maxConnections?: number;
}

export async function startTempPostgres(options: TempPostgresOptions = {}): Promise<TempPostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bashgah-pg-'));
  if (asRoot) {
    const { uid, gid } = postgresUserIds();
    chownSync(dataDir, uid, gid);
  }
  const [initdb, initArgs] = command('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  execFileSync(initdb, initArgs, { stdio: 'pipe' });
  const port = await freeLoopbackPort();
  const settings = [
    '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', `unix_socket_directories=${dataDir}`,
    '-c', `fsync=${options.fsync === false ? 'off' : 'on'}`, '-c', `max_connections=${options.maxConnections ?? 100}`,
    '-c', 'shared_buffers=64MB', '-c', 'log_min_messages=warning',
  ];
  const [postgres, args] = command('postgres', ['-D', dataDir, ...settings]);
  const child: ChildProcess = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`postgres exited (${child.exitCode}): ${stderr}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return { url, port, dataDir, stop };
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not start within 30 s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A fresh database on the server, for a test that wants an empty schema. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}
