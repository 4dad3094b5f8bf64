import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Notifier } from './notify.js';

/**
 * What one sd_notify costs the kiosk: `node dist/firmware/src/ops/notify-bench.js [count]`.
 * Compares the Notifier (systemd-notify with --pid, waiting for the manager's barrier)
 * against systemd-notify --no-block and a bare process spawn (/bin/true), all against a
 * real unix datagram socket (python3) standing in for systemd's.
 */
const RECEIVER = `
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
while True:
    data, anc, _f, _a = s.recvmsg(65536, socket.CMSG_SPACE(64))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            for fd in struct.unpack(f"{len(payload)//4}i", payload[: len(payload)//4*4]):
                os.close(fd)
`;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 5_000 }, (error) => (error ? reject(error) : resolve()));
  });
}

async function measure(count: number, once: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const count = Math.min(1_000, Math.max(5, Number(process.argv[2] ?? 50) || 50));
  const dir = mkdtempSync(join(tmpdir(), 'bashgah-notify-bench-'));
  const socketPath = join(dir, 'notify.sock');
  const receiver = spawn('python3', ['-c', RECEIVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      receiver.stdout.once('data', () => resolve());
      receiver.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
    });
    const env = { ...process.env, NOTIFY_SOCKET: socketPath };
    const notifier = new Notifier({ env });
    const rows: Array<[string, number[]]> = [
      ['Notifier.send (systemd-notify --pid, barrier)', await measure(count, () => notifier.send({ WATCHDOG: 1 }))],
      ['systemd-notify --no-block', await measure(count, () => run('systemd-notify', ['--no-block', 'WATCHDOG=1'], env))],
      ['spawn /bin/true (floor)', await measure(count, () => run('/bin/true', [], env))],
    ];
    const peer = rows[1]![1];
    const median = (values: number[]) => values[Math.floor(values.length / 2)] ?? 0;
    const p95 = (values: number[]) => values[Math.min(values.length - 1, Math.floor(values.length * 0.95))] ?? 0;
    const lines = [`sd_notify cost, ${count} messages each (ms; ratio = median / median of --no-block)`, ''];
    lines.push(`${'method'.padEnd(48)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'ratio'.padStart(7)}`);
    for (const [name, times] of rows) {
      lines.push(`${name.padEnd(48)} ${median(times).toFixed(2).padStart(8)} ${p95(times).toFixed(2).padStart(8)} ${(median(times) / median(peer)).toFixed(2).padStart(7)}`);
    }
    lines.push('', 'The watchdog sends one message per WatchdogSec/2 (15 s): the cost is per 15 s, off the event loop.');
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    receiver.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
