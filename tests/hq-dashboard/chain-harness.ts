import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgres, type Db } from '../../sync/hq/db.js';
import { createDatabase, freeLoopbackPort, startTempPostgres, type TempPostgres } from '../../sync/hq/dev/temp-postgres.js';

/**
 * The chain as it runs in production, each part its own process: a PostgreSQL server, the
 * compiled `bashgah hq serve` on it (staff user and kiosk provisioned with `bashgah hq user
 * add` / `bashgah hq device add`), and the compiled kiosk service (`bashgah start`) with its
 * own data directory and configuration file, simulated hardware and sync switched on against
 * the head office on 127.0.0.1. Everything listens on loopback, on free ports, in temp dirs.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/firmware/src/cli/main.js');
const START_TIMEOUT_MS = 45_000;
const CLI_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 10_000;

export const CHAIN_ADMIN_TOKEN = 'chain-e2e-admin-token-0123456789';
export const CHAIN_POS_TOKEN = 'chain-e2e-pos-token-0123456789';
const TECHNICIAN_TOKEN = 'chain-e2e-technician-token-0123456789';
export const KIOSK = { deviceId: 'kiosk-chain-1', storeId: 'store-chain' } as const;

const running = new Set<ChildProcess>();
// A test run killed hard must not leave a head office or a kiosk behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

interface Child {
  process: ChildProcess;
  /** The last few kB of what it wrote, for the failure message. */
  output(): string;
  stop(): Promise<void>;
}

function startChild(args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Child {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  let output = '';
  let partial = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-6000); };
  child.stderr!.on('data', keep);
  child.stdout!.on('data', (chunk: Buffer) => {
    keep(chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine?.(line);
  });
  return {
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a `bashgah` command to its end; throws with its output unless it exits 0. */
async function runCli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stdin.end(stdin);
  const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  }).finally(() => { clearTimeout(timer); running.delete(child); });
  if (code !== 0) throw new Error(`bashgah ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}

/** Thrown by a probe when waiting longer cannot help (a process exited). */
export class GiveUp extends Error {}

/** Polls `probe` until it returns a value other than undefined; bounded, never a fixed sleep. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface Chain {
  hqUrl: string;
  kioskUrl: string;
  /** The head office's database, read as an operator would with psql. */
  db: Db;
  /** What the children wrote last (for diagnosing a failure). */
  output(): string;
  close(): Promise<void>;
}

export interface ChainOptions {
  staff: { username: string; password: string; displayName: string };
  /** Called once the head office serves, before the kiosk starts (the chain's rules, say). */
  beforeKiosk?: (hqUrl: string) => Promise<void>;
}

export async function startChain(options: ChainOptions): Promise<Chain> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const children: Array<[string, Child]> = [];
  const close = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const postgres: TempPostgres = await startTempPostgres({ fsync: false });
    cleanups.push(() => postgres.stop());
    const databaseUrl = await createDatabase(postgres.url, 'chain');
    const hqDir = await mkdtemp(join(tmpdir(), 'bashgah-chain-hq-'));
    const kioskDir = await mkdtemp(join(tmpdir(), 'bashgah-chain-kiosk-'));
    cleanups.push(() => rm(hqDir, { recursive: true, force: true }), () => rm(kioskDir, { recursive: true, force: true }));
    const hqEnv = { DATABASE_URL: databaseUrl, BASHGAH_HQ_DATA_DIR: hqDir, BASHGAH_HQ_ADMIN_TOKEN: CHAIN_ADMIN_TOKEN, BASHGAH_LOG_LEVEL: 'warn' };

    // The operator's steps: a manager for the dashboard, then the kiosk's key file.
    const { username, password, displayName } = options.staff;
    await runCli(['hq', 'user', 'add', username, '--role', 'manager', '--display-name', displayName], hqEnv, `${password}\n`);
    const provisioned = runCli(['hq', 'device', 'add', KIOSK.deviceId, '--store', KIOSK.storeId, '--out', join(kioskDir, 'sync-device.json')], hqEnv);
    provisioned.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile

    let announceHq: (url: string) => void = () => undefined;
    const hqListening = new Promise<string>((resolve) => { announceHq = resolve; });
    const hq = startChild(['hq', 'serve', '--host', '127.0.0.1', '--port', '0'], hqEnv, (line) => {
      const match = /head office listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (match) announceHq(match[1]!);
    });
    children.push(['hq', hq]);
    cleanups.push(() => hq.stop());
    const hqUrl = await Promise.race([
      hqListening,
      new Promise<never>((_, reject) => { hq.process.once('exit', (code) => reject(new Error(`bashgah hq serve exited with ${code}:\n${hq.output()}`))); }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`bashgah hq serve did not listen in time:\n${hq.output()}`)), START_TIMEOUT_MS).unref()),
    ]);
    await provisioned;
    const db = await openPostgres(databaseUrl, 2);
    cleanups.push(() => db.close());
    await options.beforeKiosk?.(hqUrl);

    const kioskPort = await freeLoopbackPort();
    const configPath = join(kioskDir, 'config.json');
    await writeFile(configPath, JSON.stringify({
      device: { id: KIOSK.deviceId, storeId: KIOSK.storeId, storeName: 'فروشگاه زنجیره' },
      http: { host: '127.0.0.1', port: kioskPort },
      tokens: [
        { name: 'till-1', token: CHAIN_POS_TOKEN, role: 'pos' },
        { name: 'technician', token: TECHNICIAN_TOKEN, role: 'technician' },
      ],
      logging: { level: 'warn' },
      // Hardware left empty: the simulated reader, printer and indicator.
      // A short sync cycle: push as records come, pull every 5 s (the schema's minimum).
      sync: { enabled: true, headOfficeUrl: hqUrl, idleIntervalSeconds: 1, pullIntervalSeconds: 5, backoff: { initialMs: 200, maxMs: 2000 } },
    }, null, 2));
    const kiosk = startChild(['start'], { BASHGAH_CONFIG: configPath, BASHGAH_DATA_DIR: kioskDir });
    children.push(['kiosk', kiosk]);
    // Stopped before the head office, so its last push finds it still there.
    cleanups.push(() => kiosk.stop());
    const kioskUrl = `http://127.0.0.1:${kioskPort}`;
    await waitFor('the kiosk to serve /healthz', async () => {
      if (kiosk.process.exitCode !== null) throw new GiveUp(`bashgah start exited with ${kiosk.process.exitCode}:\n${kiosk.output()}`);
      const response = await fetch(`${kioskUrl}/healthz`).catch(() => undefined);
      return response ? true : undefined;
    }, START_TIMEOUT_MS);
    return {
      hqUrl,
      kioskUrl,
      db,
      output: () => children.map(([name, child]) => `--- ${name}\n${child.output()}`).join('\n'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function call<T>(url: string, init: RequestInit): Promise<Answer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** The kiosk's HTTP API as a till (POS token) or the technician (simulated hardware) calls it. */
export const kioskApi = {
  pos<T = Record<string, unknown>>(kioskUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>> {
    return call<T>(`${kioskUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${CHAIN_POS_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  },
  async simulate(kioskUrl: string, body: Record<string, string>): Promise<void> {
    const answer = await call(`${kioskUrl}/api/v1/control/simulate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TECHNICIAN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.status !== 200) throw new Error(`simulate ${JSON.stringify(body)}: ${answer.status} ${JSON.stringify(answer.body)}`);
  },
};

/** The head office's admin API (the admin token from the environment of `bashgah hq serve`). */
export function hqAdminGet<T>(hqUrl: string, path: string): Promise<Answer<T>> {
  return call<T>(`${hqUrl}${path}`, { headers: { authorization: `Bearer ${CHAIN_ADMIN_TOKEN}` } });
}

/** A dashboard session over plain HTTP (cookie + CSRF header), for setting the stage. */
export async function dashboardSession(hqUrl: string, username: string, password: string) {
  const response = await fetch(`${hqUrl}/v1/dashboard/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (response.status !== 200) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
    call(`${hqUrl}/v1/dashboard${path}`, {
      method,
      headers: { cookie, 'x-bashgah-csrf': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}

/**
 * The loyalty rules the kiosk took from the head office, as it journaled them
 * (`loyalty.configure` by the sync actor) and pushed them back: proof the kiosk's books run
 * by them from that record on.
 */
export async function rulesJournaledFromHq(db: Db, deviceId: string): Promise<Array<{ earning: { rialPerPoint: number; campaigns: unknown[] } }>> {
  const result = await db.query<{ rules: { earning: { rialPerPoint: number; campaigns: unknown[] } } }>(
    `SELECT jsonb_path_query_first(record, '$.** ? (@.op == "loyalty.configure").rules') AS rules
       FROM journal WHERE device_id = $1 AND actor->>'kind' = 'sync'
        AND jsonb_path_exists(record, '$.** ? (@.op == "loyalty.configure")')
      ORDER BY seq`,
    [deviceId],
  );
  return result.rows.map((row) => row.rules);
}
