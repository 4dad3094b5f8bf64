import { spawn } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';

/**
 * The kernel log, for spotting a failing SD card: `journalctl -k` for this boot, else a
 * kmsg-like file read without blocking (/dev/kmsg). Both are capped; undefined when neither
 * can be read (no permission, no journal).
 */
const MAX_LOG_BYTES = 4 * 1024 * 1024;
const JOURNALCTL_TIMEOUT_MS = 10_000;
const MAX_KMSG_READS = 50_000;

export interface KernelLogSources {
  journalctl: string;
  kmsgPath: string;
}

export function kernelLogSources(env: NodeJS.ProcessEnv): KernelLogSources {
  return { journalctl: env.BASHGAH_JOURNALCTL ?? 'journalctl', kmsgPath: env.BASHGAH_KMSG ?? '/dev/kmsg' };
}

function fromJournalctl(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(command, ['-k', '-b', '--no-pager', '--quiet', '-o', 'cat'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: JOURNALCTL_TIMEOUT_MS });
    } catch {
      resolve(undefined);
      return;
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep the newest part: recent errors matter most.
      output = (output + chunk).slice(-MAX_LOG_BYTES);
    });
    child.on('error', () => resolve(undefined));
    // Without permission journalctl answers nothing and exit 0; a kernel never logs nothing since boot.
    child.on('close', (code) => resolve(code === 0 && output.trim() !== '' ? output : undefined));
  });
}

function fromKmsg(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(64 * 1024);
  try {
    for (let reads = 0; reads < MAX_KMSG_READS && total < MAX_LOG_BYTES; reads++) {
      let bytes: number;
      try {
        bytes = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break; // /dev/kmsg: nothing more for now.
        if (code === 'EPIPE') continue; // /dev/kmsg: records were overwritten; go on.
        return chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
      }
      if (bytes === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, bytes)));
      total += bytes;
    }
  } finally {
    closeSync(fd);
  }
  // /dev/kmsg records are "prio,seq,time,flags;message": keep the message.
  return Buffer.concat(chunks).toString('utf8').replace(/^\d+,\d+,\d+,[^;]*;/gm, '');
}

export async function readKernelLog(sources: KernelLogSources): Promise<string | undefined> {
  return (await fromJournalctl(sources.journalctl)) ?? fromKmsg(sources.kmsgPath);
}

/** Lines that say the SD card (mmc) or a filesystem on it had I/O trouble. */
const SD_ERROR = /(mmc\d+:.*(error|timeout|timed out|reset)|mmcblk\d+.*(error|fail)|I\/O error|EXT4-fs error|EXT4-fs warning.*(I\/O|error)|blk_update_request)/i;

export function sdCardErrors(log: string): string[] {
  return log.split('\n').filter((line) => SD_ERROR.test(line)).map((line) => line.trim().slice(0, 200));
}
