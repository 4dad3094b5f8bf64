import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSocket } from '../pcscd-socket.js';

/**
 * Starts the real pcscd with Debian's vpcd virtual reader driver for tests and benchmarks.
 *
 * pcscd's socket path (/run/pcscd/pcscd.comm) is compiled in, and a system pcscd (socket
 * activated) may own it. So pcscd runs in a private mount namespace (`unshare --mount`) where
 * a temp directory is bind-mounted over /run/pcscd: its socket appears in the temp directory,
 * and clients find it through PCSCLITE_CSOCK_NAME. Its reader configuration is a private
 * reader.conf.d (`--config`). Debian 12's pcscd is built without polkit, so no rule is needed
 * for root. Test-only code.
 *
 * vpcd listens on every interface (INADDR_ANY is compiled in). So that no port opens beyond
 * loopback, pcscd also gets a private network namespace (`unshare --net`) holding only `lo`,
 * and socat bridges each vpcd slot to a Unix socket in the temp directory, which is where
 * virtual cards connect. Without namespaces (no CAP_SYS_ADMIN) it falls back to TCP ports on
 * the host.
 */
export class PcscdUnavailableError extends Error {
  override name = 'PcscdUnavailableError';
}

const PCSCD = '/usr/sbin/pcscd';
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const LOG_LINES_KEPT = 200;
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;
/** vpcd's own default port; inside the private namespace nothing else can hold it. */
const NAMESPACED_VPCD_PORT = 0x8c7b;

/** Where a virtual card connects to reach a vpcd slot: a Unix socket path, or a TCP port on 127.0.0.1. */
export type VpcdSlot = string | number;

/**
 * Runs inside the namespace: bring up loopback, put pcscd's socket in the temp directory,
 * bridge the two vpcd slots to Unix sockets, then become pcscd. Arguments: run directory,
 * pcscd, config directory, bridge directory, vpcd port.
 */
const NAMESPACE_SCRIPT = [
  'set -e',
  'ip link set lo up',
  'mkdir -p /run/pcscd',
  'mount --bind "$1" /run/pcscd',
  'for slot in 0 1; do socat UNIX-LISTEN:"$4/vpcd-slot$slot.sock",fork,unlink-early TCP:127.0.0.1:$(($5 + slot)),nodelay,retry=200,interval=0.05 & done',
  'exec "$2" --foreground --config "$3"',
].join('\n');

/** Two consecutive free TCP ports (vpcd uses `port` for slot 0 and `port + 1` for slot 1). */
async function freePortPair(): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        const bound = (server.address() as { port: number }).port;
        server.close(() => resolve(bound));
      });
    });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const first = await tryListen(0);
    if (first !== undefined && first < 65_535 && (await tryListen(first + 1)) !== undefined) return first;
  }
  throw new PcscdUnavailableError('could not find two consecutive free TCP ports for vpcd');
}

function checkPrerequisites(): void {
  if (process.getuid?.() !== 0) {
    throw new PcscdUnavailableError('pcscd must be started as root (the pcscd tests and benchmark need root: run them as root, as CI does)');
  }
  if (!existsSync(PCSCD)) throw new PcscdUnavailableError(`${PCSCD} is missing: install the Debian package pcscd (scripts/setup.sh does)`);
  if (!existsSync(VPCD_DRIVER)) throw new PcscdUnavailableError(`${VPCD_DRIVER} is missing: install the Debian package vsmartcard-vpcd`);
}

export class PcscdHarness {
  private child: ChildProcess | undefined;
  private readonly logLines: string[] = [];
  private readonly killOnExit = () => this.signal('SIGKILL');

  private constructor(
    readonly directory: string,
    readonly socketPath: string,
    /** vpcd slot 0 ("Virtual PCD 00 00") listens on this port; slot 1 on port + 1. */
    private readonly vpcdPort: number,
    private readonly privateNamespace: boolean,
  ) {}

  /** Where a virtual card connects to be inserted in slot 0 ("Virtual PCD 00 00") or slot 1. */
  slot(index: 0 | 1): VpcdSlot {
    return this.privateNamespace ? join(this.directory, `vpcd-slot${index}.sock`) : this.vpcdPort + index;
  }

  static async start(): Promise<PcscdHarness> {
    checkPrerequisites();
    const directory = await mkdtemp(join(tmpdir(), 'bashgah-pcscd-'));
    const configDirectory = join(directory, 'reader.conf.d');
    const runDirectory = join(directory, 'run');
    await mkdir(configDirectory);
    await mkdir(runDirectory);
    const canUnshare = spawnSync('unshare', ['--mount', '--net', '--propagation', 'private', 'sh', '-c', 'ip link set lo up && command -v socat']).status === 0;
    const vpcdPort = canUnshare ? NAMESPACED_VPCD_PORT : await freePortPair();
    await writeFile(
      join(configDirectory, 'vpcd'),
      `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x${vpcdPort.toString(16).toUpperCase()}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    0x${vpcdPort.toString(16).toUpperCase()}\n`,
    );
    let socketPath = join(runDirectory, 'pcscd.comm');
    if (!canUnshare) {
      // No private namespace (no CAP_SYS_ADMIN): use the real /run/pcscd if nobody owns it.
      socketPath = '/run/pcscd/pcscd.comm';
      if (await probeSocket(socketPath, 500)) {
        throw new PcscdUnavailableError('cannot create a private mount namespace (unshare failed) and a pcscd already owns /run/pcscd: stop it (systemctl stop pcscd.socket pcscd) or allow unshare');
      }
    }
    const harness = new PcscdHarness(directory, socketPath, vpcdPort, canUnshare);
    await harness.launch();
    return harness;
  }

  /** The last lines pcscd printed, for a failing test's message. */
  logs(): string {
    return this.logLines.join('\n');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts pcscd (again) with the same socket and ports, and waits until its socket answers. */
  async launch(): Promise<void> {
    if (this.running) return;
    const configDirectory = join(this.directory, 'reader.conf.d');
    const command = this.privateNamespace
      ? ['unshare', '--mount', '--net', '--propagation', 'private', 'sh', '-c', NAMESPACE_SCRIPT, 'sh', join(this.directory, 'run'), PCSCD, configDirectory, this.directory, String(this.vpcdPort)]
      : [PCSCD, '--foreground', '--config', configDirectory];
    // Its own process group, so that stopping it also stops the socat bridges.
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    process.once('exit', this.killOnExit);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.logLines.push(line);
      this.logLines.splice(0, Math.max(0, this.logLines.length - LOG_LINES_KEPT));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running) break;
      if (await probeSocket(this.socketPath, 200)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const exit = this.running ? 'still running but its socket never answered' : `exited with ${child.exitCode ?? child.signalCode}`;
    await this.stop();
    throw new PcscdUnavailableError(`pcscd did not start (${exit}); its output:\n${this.logs()}`);
  }

  /** Stops pcscd (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    process.off('exit', this.killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    this.child = undefined;
  }

  /** Signals pcscd's whole process group (pcscd and the bridges). */
  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Stops pcscd and removes its temp directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}
