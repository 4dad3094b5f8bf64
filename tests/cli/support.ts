import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from '../../firmware/src/cli/command.js';
import { UsageError } from '../../firmware/src/cli/command.js';
import { tempDir } from '../support/temp-dir.js';
import { freePort } from '../kiosk/service.js';

export { runCli } from '../ops/support/run-cli.js';

/**
 * A kiosk laid out in a temp dir: a config file (on a free loopback port nobody listens on, so
 * no other engineer's running demo answers), a data dir and a place for fake system files.
 */
export interface KioskTree {
  root: string;
  dataDir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  port: number;
  writeConfig(config: Record<string, unknown>): void;
  remove(): void;
}

export async function kioskTree(prefix: string): Promise<KioskTree> {
  const dir = tempDir(`bashgah-${prefix}-`);
  const dataDir = join(dir.path, 'data');
  const configPath = join(dir.path, 'config.json');
  mkdirSync(join(dir.path, 'run'), { recursive: true });
  const port = await freePort();
  const tree: KioskTree = {
    root: dir.path,
    dataDir,
    configPath,
    port,
    env: {
      ...process.env,
      BASHGAH_CONFIG: configPath,
      BASHGAH_DATA_DIR: dataDir,
      BASHGAH_TIMESYNC_FLAG: join(dir.path, 'run', 'synchronized'),
      BASHGAH_PCSCD_SOCKET: join(dir.path, 'run', 'pcscd.comm'),
      BASHGAH_DEV_ROOT: join(dir.path, 'dev'),
      BASHGAH_JOURNALCTL: join(dir.path, 'no-journalctl'),
      BASHGAH_KMSG: join(dir.path, 'no-kmsg'),
      BASHGAH_LOG_LEVEL: 'silent',
      USER: 'technician',
    },
    writeConfig(config) {
      const http = { host: '127.0.0.1', port, ...((config.http as object | undefined) ?? {}) };
      writeFileSync(configPath, JSON.stringify({ ...config, http }));
    },
    remove: dir.remove,
  };
  tree.writeConfig({});
  return tree;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command object (built with test stdin) the way main() does, usage errors → 2. */
export async function runCommand(command: Command, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io = { out: (text: string) => (stdout += text), err: (text: string) => (stderr += text), env };
  try {
    return { code: await command.run(args, io), stdout, stderr };
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, stdout, stderr: stderr + error.message };
    throw error;
  }
}

export function stdinOf(text: string): () => Readable {
  return () => Readable.from([Buffer.from(text)]);
}
