import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHqApp } from '../../../sync/hq/app.js';
import { closeGracefully } from '../../../sync/hq/server.js';
import { openPGlite, openPostgres, type Db } from '../../../sync/hq/db.js';
import { migrateHq as migrate } from '../../../sync/hq/schema.js';
import { createDatabase, startTempPostgres, type TempPostgres } from '../../../sync/hq/dev/temp-postgres.js';
import { identityFromFile, type DeviceIdentity } from '../../../sync/agent/identity.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Backend {
  name: 'postgres' | 'pglite';
  db: Db;
  close(): Promise<void>;
}

let server: TempPostgres | undefined;
let databases = 0;

/** A migrated database on a real PostgreSQL server started for this test file, or on PGlite. */
export async function openBackend(name: Backend['name']): Promise<Backend> {
  if (name === 'postgres') {
    server ??= await startTempPostgres({ fsync: false });
    const url = await createDatabase(server.url, `t${process.pid}_${databases++}`);
    const db = await openPostgres(url, 20);
    await migrate(db);
    return { name, db, close: () => db.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bashgah-pglite-'));
  const db = await openPGlite(dir);
  await migrate(db);
  return {
    name,
    db,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function stopPostgres(): Promise<void> {
  await server?.stop();
  server = undefined;
}

export interface RunningHq {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function listenHq(db: Db, nowMs?: () => number): Promise<RunningHq> {
  const app = await buildHqApp({ db, adminToken: ADMIN_TOKEN, ...(nowMs ? { nowMs } : {}) });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, close: () => closeGracefully(app, 50) };
}

/** Provisions a device through the admin API, as the CLI does, and returns its identity. */
export async function provision(app: FastifyInstance, deviceId: string, storeId: string): Promise<DeviceIdentity> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/admin/devices',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { deviceId, storeId },
  });
  if (response.statusCode !== 201) throw new Error(`provisioning failed: ${response.body}`);
  const body = response.json() as { privateKeyPem: string; hqPublicKey: string };
  return identityFromFile({ deviceId, storeId, privateKeyPem: body.privateKeyPem, hqPublicKey: body.hqPublicKey });
}

export async function adminGet<T>(app: FastifyInstance, url: string): Promise<T> {
  const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
  return response.json() as T;
}
