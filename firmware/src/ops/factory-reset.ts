import { chown, cp, lstat, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';

/**
 * Factory reset without deleting anything: the data directory is moved aside (renamed, or
 * when it is a mount point its contents are moved into a folder inside it), a fresh one is
 * made with the same owner and mode, and the device identity keys are copied back unless
 * the technician asks to forget them. What was moved is kept until someone removes it.
 */
export interface ResetPlan {
  dataDir: string;
  /** Identity files and folders, relative to dataDir, copied back unless forgotten. */
  identity: string[];
  forgetIdentity: boolean;
  nowMs: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ResetResult {
  movedTo: string;
  /** 'renamed': the whole directory; 'emptied': its entries moved into a folder inside it. */
  how: 'renamed' | 'emptied';
  keptIdentity: string[];
}

export const ASIDE_PREFIX = 'factory-reset-';

/** `keys/` (voucher signing key) and the sync device key, when it lives in the data dir. */
export function identityPaths(dataDir: string, syncKeyFile: string): string[] {
  const paths = ['keys'];
  const keyPath = isAbsolute(syncKeyFile) ? syncKeyFile : join(dataDir, syncKeyFile);
  const inside = relative(dataDir, keyPath);
  if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) paths.push(inside);
  return paths;
}

function stamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[:.]/g, '-');
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  // Only root can give files away; anyone else already owns what they made.
  if (process.getuid?.() !== 0) return;
  await chown(path, uid, gid);
  const info = await lstat(path);
  if (!info.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), uid, gid);
}

export async function factoryReset(plan: ResetPlan): Promise<ResetResult> {
  const { dataDir } = plan;
  const original = await stat(dataDir);
  const asideName = `${ASIDE_PREFIX}${stamp(plan.nowMs)}`;
  let movedTo = join(dirname(dataDir), `${basename(dataDir)}.${asideName}`);
  let how: ResetResult['how'] = 'renamed';
  try {
    plan.onProgress?.(0, 1);
    await rename(dataDir, movedTo);
    plan.onProgress?.(1, 1);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A mount point (or a StateDirectory bind) cannot be renamed: empty it into a folder inside.
    if (code !== 'EBUSY' && code !== 'EXDEV' && code !== 'EACCES' && code !== 'EPERM') throw error;
    how = 'emptied';
    movedTo = join(dataDir, asideName);
    const entries = (await readdir(dataDir)).filter((name) => !name.startsWith(ASIDE_PREFIX));
    await mkdir(movedTo, { mode: 0o700 });
    for (const [index, name] of entries.entries()) {
      await rename(join(dataDir, name), join(movedTo, name));
      plan.onProgress?.(index + 1, entries.length);
    }
  }
  await mkdir(dataDir, { recursive: true, mode: original.mode & 0o7777 });
  await chownTree(dataDir, original.uid, original.gid).catch(() => undefined);
  const keptIdentity: string[] = [];
  if (!plan.forgetIdentity) {
    for (const path of plan.identity) {
      const from = join(movedTo, path);
      if (!(await exists(from))) continue;
      const to = join(dataDir, path);
      await mkdir(dirname(to), { recursive: true, mode: 0o700 });
      // Copied, not moved: what was set aside stays complete.
      await cp(from, to, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false });
      const owner = await lstat(from);
      await chownTree(to, owner.uid, owner.gid);
      keptIdentity.push(path);
    }
  }
  return { movedTo, how, keptIdentity };
}
