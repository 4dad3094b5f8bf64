import { execFile } from 'node:child_process';

/**
 * Talks to systemd's notification socket (sd_notify). Node cannot send unix datagrams, so
 * each message is sent by Debian's `systemd-notify` as a child process. Two details make
 * that reliable on systemd 252:
 * - `--pid=<our pid>` adds MAINPID=<pid>, so a message sent by the short-lived child is
 *   attributed to the service's main process (the unit needs NotifyAccess=all);
 * - systemd-notify waits (BARRIER=1) until the manager has processed the message, so the
 *   child is still alive when systemd looks up its cgroup. Hence a time limit on each send.
 * Outside systemd (no NOTIFY_SOCKET: the demo, tests, a technician's shell) every call is a
 * no-op that resolves to false.
 */
export interface NotifierOptions {
  env?: NodeJS.ProcessEnv;
  /** The helper binary; tests may point at another path. */
  command?: string;
  /** The process systemd should treat as the service's main process. */
  mainPid?: number;
  /** Upper limit for one send, including the barrier wait. */
  timeoutMs?: number;
}

export type NotifyState = Record<string, string | number>;

const DEFAULT_TIMEOUT_MS = 5_000;
/** systemd ignores status lines beyond this; keep journal lines short too. */
const MAX_STATUS_CHARS = 200;

export class Notifier {
  private readonly env: NodeJS.ProcessEnv;
  private readonly command: string;
  private readonly mainPid: number;
  private readonly timeoutMs: number;

  constructor(options: NotifierOptions = {}) {
    this.env = options.env ?? process.env;
    this.command = options.command ?? 'systemd-notify';
    this.mainPid = options.mainPid ?? process.pid;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** True when started by systemd with a notification socket. */
  get enabled(): boolean {
    const socket = this.env.NOTIFY_SOCKET;
    return socket !== undefined && socket !== '';
  }

  /**
   * Sends `KEY=value` assignments. Resolves true when systemd-notify succeeded, false when
   * disabled; rejects with a readable error when the helper failed or timed out.
   */
  async send(state: NotifyState): Promise<boolean> {
    if (!this.enabled) return false;
    const assignments = Object.entries(state).map(([key, value]) => {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`sd_notify: invalid variable name "${key}"`);
      const text = String(value);
      if (/[\n\0]/.test(text)) throw new Error(`sd_notify: ${key} must be a single line`);
      return `${key}=${text}`;
    });
    const args = [`--pid=${this.mainPid}`, ...assignments];
    await new Promise<void>((resolve, reject) => {
      execFile(this.command, args, { env: this.env, timeout: this.timeoutMs, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
        if (error) {
          const detail = stderr.trim() || error.message;
          reject(new Error(`sd_notify: ${this.command} failed: ${detail}`));
        } else resolve();
      });
    });
    return true;
  }

  status(text: string): Promise<boolean> {
    return this.send({ STATUS: shortStatus(text) });
  }
}

export function shortStatus(text: string): string {
  const oneLine = text.replace(/[\r\n\0]+/g, ' ');
  return oneLine.length > MAX_STATUS_CHARS ? `${oneLine.slice(0, MAX_STATUS_CHARS - 1)}…` : oneLine;
}

let defaultNotifier: Notifier | undefined;

function notifier(): Notifier {
  defaultNotifier ??= new Notifier();
  return defaultNotifier;
}

/** Call once the ledger is open, the hardware has started and HTTP is listening. */
export function notifyReady(status = 'ready'): Promise<boolean> {
  return notifier().send({ READY: 1, STATUS: shortStatus(status) });
}

/** Call at the start of a graceful shutdown, before closing HTTP and the ledger. */
export function notifyStopping(status = 'stopping'): Promise<boolean> {
  return notifier().send({ STOPPING: 1, STATUS: shortStatus(status) });
}

/** A one-line status shown by `systemctl status bashgah`. */
export function notifyStatus(status: string): Promise<boolean> {
  return notifier().status(status);
}
