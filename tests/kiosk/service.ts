import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/firmware/src/cli/main.js');
const START_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface DemoService {
  url: string;
  posToken: string;
  controlToken: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the compiled `bashgah demo` and waits until it listens. */
export async function startDemo(options: { port: number; dataDir: string; configPath?: string; posToken: string }): Promise<DemoService> {
  const child = spawn(process.execPath, [CLI, 'demo', '--json'], {
    cwd: ROOT,
    env: {
      ...process.env,
      BASHGAH_DATA_DIR: options.dataDir,
      BASHGAH_HOST: '127.0.0.1',
      BASHGAH_PORT: String(options.port),
      BASHGAH_DEMO_TOKEN: options.posToken,
      BASHGAH_LOG_LEVEL: 'warn',
      ...(options.configPath && { BASHGAH_CONFIG: options.configPath }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in time:\n${stderr}`)), START_TIMEOUT_MS);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const event = JSON.parse(line) as { event?: string; url?: string };
          if (event.event === 'listening' && event.url) {
            clearTimeout(timer);
            resolve(event.url);
          }
        } catch {
          // A partial line: wait for the rest.
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${stderr}`));
    });
  });
  const control = JSON.parse(await readFile(join(options.dataDir, 'demo-control.json'), 'utf8')) as { token: string };
  return {
    url,
    posToken: options.posToken,
    controlToken: control.token,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
    },
  };
}

export async function control(service: DemoService, body: Record<string, string>): Promise<void> {
  const response = await fetch(`${service.url}/api/v1/control/simulate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${service.controlToken}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${JSON.stringify(body)} failed: ${response.status} ${await response.text()}`);
}

export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
