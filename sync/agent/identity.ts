import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { DeviceIdSchema } from '../protocol/messages.js';
import { privateKeyFromPem, publicKeyFromText } from '../protocol/signing.js';
import { parseMessage } from '../protocol/validate.js';

/** The identity file written at provisioning (mode 0600): who this kiosk is and its key. */
export const DeviceKeyFileSchema = Type.Object(
  {
    deviceId: DeviceIdSchema,
    storeId: Type.String({ maxLength: 64 }),
    privateKeyPem: Type.String({ maxLength: 4000 }),
    /** The head office's public key: checks bundles coming back by USB stick. */
    hqPublicKey: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type DeviceKeyFile = Static<typeof DeviceKeyFileSchema>;

export interface DeviceIdentity {
  deviceId: string;
  storeId: string;
  privateKey: KeyObject;
  hqPublicKey: KeyObject;
}

export function keyFilePath(dataDir: string, keyFile: string): string {
  return isAbsolute(keyFile) ? keyFile : join(dataDir, keyFile);
}

export async function loadIdentity(path: string): Promise<DeviceIdentity> {
  const file = parseMessage(DeviceKeyFileSchema, JSON.parse(await readFile(path, 'utf8')), `device key file ${path}`);
  return identityFromFile(file);
}

export function identityFromFile(file: DeviceKeyFile): DeviceIdentity {
  return { deviceId: file.deviceId, storeId: file.storeId, privateKey: privateKeyFromPem(file.privateKeyPem), hqPublicKey: publicKeyFromText(file.hqPublicKey) };
}

export async function writeKeyFile(path: string, file: DeviceKeyFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}
