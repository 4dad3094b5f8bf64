import { randomBytes } from 'node:crypto';
import { chown, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';

/**
 * The configuration file as a technician edits it: the raw JSON object (without the defaults
 * the loader fills in, so the file stays short), dotted-path access, and an atomic write.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Files larger than this are not a kiosk configuration; refuse rather than parse. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return env.BASHGAH_CONFIG ?? DEFAULT_CONFIG_PATH;
}

/** Reads the raw object; a missing file is an empty configuration (all defaults). */
export async function readRawConfig(path: string): Promise<{ raw: JsonObject; exists: boolean }> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_CONFIG_BYTES) throw new ConfigFileError(`${path} is ${info.size} bytes, more than a configuration can be`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { raw: {}, exists: false };
    if (error instanceof ConfigFileError) throw error;
    throw new ConfigFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigFileError(`${path} must hold a JSON object`);
  }
  return { raw: parsed as JsonObject, exists: true };
}

/** `http.port` → ['http', 'port']; `tokens.0.name` indexes arrays. */
export function splitKey(key: string): string[] {
  const parts = key.split('.');
  if (key === '' || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    throw new ConfigFileError(`"${key}" is not a setting name (use dotted names like http.port)`);
  }
  return parts;
}

export function getAt(root: JsonValue, parts: string[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const part of parts) {
    if (Array.isArray(node)) node = /^\d+$/.test(part) ? node[Number(part)] : undefined;
    else if (node !== null && typeof node === 'object') node = Object.hasOwn(node, part) ? node[part] : undefined;
    else return undefined;
  }
  return node;
}

/** Returns a copy of `root` with the value at `parts` replaced (or removed when undefined). */
export function setAt(root: JsonObject, parts: string[], value: JsonValue | undefined): JsonObject {
  const copy = structuredClone(root);
  let node: JsonValue = copy;
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(part) || Number(part) > node.length) {
        throw new ConfigFileError(`"${parts.slice(0, index + 1).join('.')}": arrays are indexed 0..${node.length}`);
      }
      const at = Number(part);
      if (last) {
        if (value === undefined) node.splice(at, 1);
        else node[at] = value;
        return copy;
      }
      node[at] ??= {};
      node = node[at] as JsonValue;
    } else if (node !== null && typeof node === 'object') {
      if (last) {
        if (value === undefined) delete node[part];
        else node[part] = value;
        return copy;
      }
      const child = Object.hasOwn(node, part) ? node[part] : undefined;
      if (child === undefined || child === null) node[part] = {};
      else if (typeof child !== 'object') throw new ConfigFileError(`"${parts.slice(0, index + 1).join('.')}" is not a section`);
      node = node[part] as JsonValue;
    } else {
      throw new ConfigFileError(`"${parts.slice(0, index).join('.')}" is not a section`);
    }
  }
  return copy;
}

/**
 * Writes the file so that a power cut leaves either the old or the new configuration: a
 * temporary file beside it, fsync, rename over, fsync the directory. Owner and mode of an
 * existing file are kept (root:bashgah 0640 on a device).
 */
export async function writeFileAtomic(path: string, text: string, defaultMode = 0o640): Promise<void> {
  let mode = defaultMode;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const info = await stat(path);
    mode = info.mode & 0o777;
    owner = { uid: info.uid, gid: info.gid };
  } catch {
    // New file: default mode, our owner.
  }
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (owner && process.getuid?.() === 0) await chown(temporary, owner.uid, owner.gid);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  const directoryHandle = await open(directory, 'r');
  try {
    await directoryHandle.sync();
  } finally {
    await directoryHandle.close();
  }
}

/** Secrets are shown as `[redacted]` unless asked for; a screen share must not leak tokens. */
export function redactSecrets(value: JsonValue | undefined, keyPath: string[] = []): JsonValue | undefined {
  if (value === undefined || value === null) return value;
  const key = keyPath.at(-1) ?? '';
  if (typeof value === 'string' && /^(token|secret|password|privateKey|adminToken)$/i.test(key)) return '[redacted]';
  if (Array.isArray(value)) return value.map((item, index) => redactSecrets(item, [...keyPath, String(index)]) ?? null);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactSecrets(item, [...keyPath, name]) ?? null]));
  }
  return value;
}

/** Flattens to `a.b.c = value` lines for people. */
export function flatten(value: JsonValue | undefined, prefix: string): Array<[string, string]> {
  if (value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0)) {
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
    return entries.flatMap(([name, item]) => flatten(item, prefix === '' ? name : `${prefix}.${name}`));
  }
  return [[prefix, JSON.stringify(value ?? null)]];
}
