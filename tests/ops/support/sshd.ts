import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (the kernel picks it; the tiny race is retried by callers). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Debian's real OpenSSH server on 127.0.0.1 with a throw-away host key and a throw-away
 * client key authorised for root (AuthorizedKeysFile in the temp dir; StrictModes off
 * because the temp dir is not root-only in the way sshd demands of ~/.ssh).
 */
export class TestSshd {
  readonly dir = mkdtempSync(join(tmpdir(), 'bashgah-sshd-'));
  readonly clientKey = join(this.dir, 'client_key');
  readonly knownHosts = join(this.dir, 'known_hosts');
  port = 0;
  private child: ChildProcess | undefined;
  private log = '';

  async start(): Promise<void> {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(this.dir, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.clientKey]);
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(`${this.clientKey}.pub`));
    for (let attempt = 0; attempt < 5; attempt += 1) {
      this.port = await freePort();
      const config = join(this.dir, 'sshd_config');
      writeFileSync(
        config,
        [
          `Port ${this.port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${join(this.dir, 'host_key')}`,
          `PidFile ${join(this.dir, 'sshd.pid')}`,
          `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
          'StrictModes no',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PermitRootLogin prohibit-password',
          'UsePAM no',
          'AllowUsers root',
          'MaxStartups 20',
          'LogLevel ERROR',
          '',
        ].join('\n'),
      );
      const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.log += chunk));
      this.child = child;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && child.exitCode === null) {
        if (await accepts(this.port)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill('SIGKILL');
    }
    throw new Error(`sshd did not start: ${this.log}`);
  }

  /** Options for scripts/provision.sh that reach this server. */
  provisionArgs(): string[] {
    return [
      '--ssh-port', String(this.port),
      '--identity', this.clientKey,
      '--ssh-option', `UserKnownHostsFile=${this.knownHosts}`,
      '--ssh-option', 'StrictHostKeyChecking=accept-new',
    ];
  }

  stop(): void {
    this.child?.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
