import { randomBytes, createPublicKey } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { startHqServer, type HqServer } from '../../../sync/hq/server.js';
import { getDevice, headOfficeKey, registerDevice } from '../../../sync/hq/devices.js';
import type { Db } from '../../../sync/hq/db.js';
import { DeviceKeyFileSchema, keyFilePath, writeKeyFile, type DeviceKeyFile } from '../../../sync/agent/identity.js';
import { parseMessage } from '../../../sync/protocol/validate.js';
import { generateDeviceKeyPair } from '../../../sync/protocol/signing.js';
import { addStaffUser, listStaffUsers, setStaffPassword } from '../../../sync/hq/dashboard/users.js';

export const DEMO_HQ_PORT = 8090;

export interface DemoHq {
  url: string;
  adminToken: string;
  /** The dashboard's demo manager (sign in at `url`). */
  dashboardUser: string;
  dashboardPassword: string;
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
  let dashboardPassword: string;
  try {
    await provisionDemoKiosk(server, config, keyFilePath(dataDir, config.sync.keyFile));
    dashboardPassword = await ensureDemoManager(server.db, hqDir, env);
  } catch (error) {
    await server.close();
    throw error;
  }
  config.sync.enabled = true;
  config.sync.headOfficeUrl = server.url;
  return { url: server.url, adminToken, dashboardUser: DEMO_MANAGER, dashboardPassword, close: () => server.close() };
}

const DEMO_MANAGER = 'manager';

/**
 * The dashboard needs someone to sign in as: a manager created on the demo's first start,
 * with the password from BASHGAH_HQ_DEMO_PASSWORD or a random one, kept (mode 0600) in the
 * demo's hq directory so that a restart shows the same one. Only for the demo: a real head
 * office gets its users from `bashgah hq user add`.
 */
async function ensureDemoManager(db: Db, hqDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const passwordFile = join(hqDir, 'demo-manager-password');
  const saved = await readFile(passwordFile, 'utf8').then((text) => text.trim(), () => undefined);
  const exists = (await listStaffUsers(db)).some((user) => user.username === DEMO_MANAGER);
  const password = env.BASHGAH_HQ_DEMO_PASSWORD ?? saved ?? randomBytes(12).toString('base64url');
  if (!exists) await addStaffUser(db, { username: DEMO_MANAGER, displayName: 'مدیر نمونه', role: 'manager', password }, Date.now());
  else if (password !== saved) await setStaffPassword(db, DEMO_MANAGER, password, Date.now());
  if (password !== saved) await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  return password;
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
