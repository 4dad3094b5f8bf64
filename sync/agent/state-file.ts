import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A small JSON file replaced atomically and durably: written to a temporary file, fsynced,
 * renamed over the old one, and the directory fsynced, so a power cut leaves either the old
 * or the new content, never a torn file.
 */
export async function writeJsonDurably(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(value));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** Undefined when the file does not exist; throws on a file that is not JSON. */
export async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
