import { randomBytes, createPublicKey } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { startHqServer, type HqServer } from '../../../sync/hq/server.js';
import { getDevice, headOfficeKey, registerDevice } from '../../../sync/hq/devices.js';
import type { Db } from '../../../sync/hq/db.js';
import { DeviceKeyFileSchema, keyFilePath, writeKeyFile, type DeviceKeyFile } from '../../../sync/agent/identity.js';
import { parseMessage } from '../../../sync/protocol/validate.js';
import { generateDeviceKeyPair } from '../../../sync/protocol/signing.js';

export const DEMO_HQ_PORT = 8090;

export interface DemoHq {
  url: string;
  adminToken: string;
  close(): Promise<void>;
}

/** The port from BASHGAH_HQ_PORT (default 8090), checked. */
export function demoHqPort(env: NodeJS.ProcessEnv): number {
  if (env.BASHGAH_HQ_PORT === undefined) return DEMO_HQ_PORT;
  const port = Number(env.BASHGAH_HQ_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`BASHGAH_HQ_PORT must be 0..65535, got "${env.BASHGAH_HQ_PORT}"`);
  return port;
}

/**
 * `bashgah demo --with-hq`: a head office in this process (PGlite in `<dataDir>/hq`, on
 * 127.0.0.1 only), the demo kiosk registered with it, and `config.sync` pointed at it. Call
 * before the kiosk is composed, since composing starts the sync agent from `config.sync`.
 */
export async function startDemoHq(options: { config: Config; dataDir: string; env: NodeJS.ProcessEnv; logger: Logger }): Promise<DemoHq> {
  const { config, dataDir, env } = options;
  const adminToken = env.BASHGAH_HQ_ADMIN_TOKEN ?? randomBytes(18).toString('base64url');
  if (adminToken.length < 16 || !/^[\x21-\x7e]+$/.test(adminToken)) throw new Error('BASHGAH_HQ_ADMIN_TOKEN must be at least 16 printable ASCII characters');
  const hqDir = join(dataDir, 'hq');
  await mkdir(hqDir, { recursive: true, mode: 0o700 });
  const server = await startHqServer({
    dataDir: hqDir,
    host: '127.0.0.1',
    port: demoHqPort(env),
    adminToken,
    logger: options.logger.child({ part: 'hq' }),
  });
  try {
    await provisionDemoKiosk(server, config, keyFilePath(dataDir, config.sync.keyFile));
  } catch (error) {
    await server.close();
    throw error;
  }
  config.sync.enabled = true;
  config.sync.headOfficeUrl = server.url;
  return { url: server.url, adminToken, close: () => server.close() };
}

/**
 * Registers the kiosk with the head office, idempotent across restarts: an identity file
 * already there is reused (and registered again if the head office's data was removed).
 */
async function provisionDemoKiosk(server: HqServer, config: Config, keyPath: string): Promise<void> {
  const hq = await headOfficeKey(server.db);
  const existing = await readKeyFile(keyPath);
  if (existing) {
    await ensureRegistered(server.db, existing);
    if (existing.hqPublicKey === hq.publicKey) return;
    // A new head office (its data was removed): the kiosk keeps its key, learns the new one.
    await rm(keyPath);
    await writeKeyFile(keyPath, { ...existing, hqPublicKey: hq.publicKey });
    return;
  }
  const { id: deviceId, storeId } = config.device;
  if (await getDevice(server.db, deviceId)) {
    throw new Error(`the head office knows device ${deviceId} but its key file ${keyPath} is gone; remove the demo's hq directory to start over`);
  }
  const pair = generateDeviceKeyPair();
  await registerDevice(server.db, deviceId, storeId, pair.publicKey, Date.now());
  await writeKeyFile(keyPath, { deviceId, storeId, privateKeyPem: pair.privateKeyPem, hqPublicKey: hq.publicKey });
}

async function ensureRegistered(db: Db, file: DeviceKeyFile): Promise<void> {
  if (await getDevice(db, file.deviceId)) return;
  const publicKey = createPublicKey(file.privateKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
  await registerDevice(db, file.deviceId, file.storeId, publicKey, Date.now());
}

async function readKeyFile(path: string): Promise<DeviceKeyFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseMessage(DeviceKeyFileSchema, JSON.parse(text), `device key file ${path}`);
}
