import { connect } from 'node:net';

/** Where libpcsclite looks for pcscd: PCSCLITE_CSOCK_NAME, else the Debian default. */
export function pcscdSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

/**
 * True when something accepts connections on pcscd's socket. This must be checked before the
 * pcsclite binding is constructed: its constructor retries SCardEstablishContext in a tight
 * synchronous loop while pcscd is absent, freezing the whole service. With systemd socket
 * activation the connection itself starts pcscd.
 */
export function probeSocket(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const finish = (reachable: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reachable);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
