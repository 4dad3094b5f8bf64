import { access, statfs } from 'node:fs/promises';

/**
 * Facts about the machine read from files, shared by `bashgah status` and `bashgah doctor`.
 * Paths are parameters so tests point them at a fake tree.
 */
export const TIMESYNC_FLAG = '/run/systemd/timesync/synchronized';

/** Same thresholds as the service's /healthz disk check. */
export const DISK_FAILING_BYTES = 50 * 1024 * 1024;
export const DISK_LOW_BYTES = 250 * 1024 * 1024;

export interface DiskSpace {
  state: 'ok' | 'low' | 'failing';
  freeBytes: number;
  totalBytes: number;
}

export async function diskSpace(path: string): Promise<DiskSpace> {
  const info = await statfs(path);
  const freeBytes = info.bavail * info.bsize;
  const state = freeBytes < DISK_FAILING_BYTES ? 'failing' : freeBytes < DISK_LOW_BYTES ? 'low' : 'ok';
  return { state, freeBytes, totalBytes: info.blocks * info.bsize };
}

export function mebibytes(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))} MiB`;
}

/** systemd-timesyncd creates the flag file once the clock has been synchronised since boot. */
export async function clockSynchronised(flagPath = TIMESYNC_FLAG): Promise<boolean> {
  try {
    await access(flagPath);
    return true;
  } catch {
    return false;
  }
}

export function timesyncFlagPath(env: NodeJS.ProcessEnv): string {
  return env.BASHGAH_TIMESYNC_FLAG ?? TIMESYNC_FLAG;
}
