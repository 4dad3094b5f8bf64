import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notifier, notifyReady } from '../../firmware/src/ops/notify.js';
import { startWatchdog, watchdogUsecFromEnv, type WatchdogTick } from '../../firmware/src/ops/watchdog.js';
import { NotifySocket } from './support/notify-socket.js';

const socket = new NotifySocket();
beforeAll(() => socket.start());
afterAll(() => socket.stop());

function notifier(): Notifier {
  return new Notifier({ env: { ...process.env, NOTIFY_SOCKET: socket.path } });
}

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy: what a synchronous SPI poll or a runaway loop does to the service.
  }
}

describe('sd_notify through systemd-notify', () => {
  it('sends READY=1 with our pid as MAINPID to the real socket', async () => {
    socket.messages.length = 0;
    expect(await notifier().send({ READY: 1, STATUS: 'ledger, hardware and http up' })).toBe(true);
    await socket.waitFor((messages) => messages.some((message) => message.fields.READY === '1'));
    const ready = socket.payloads.find((message) => message.fields.READY === '1')!;
    expect(ready.fields.MAINPID).toBe(String(process.pid));
    expect(ready.fields.STATUS).toBe('ledger, hardware and http up');
  });

  it('does nothing outside systemd (no NOTIFY_SOCKET)', async () => {
    const saved = process.env.NOTIFY_SOCKET;
    delete process.env.NOTIFY_SOCKET;
    try {
      expect(await new Notifier({ env: {} }).send({ READY: 1 })).toBe(false);
      expect(await notifyReady()).toBe(false);
    } finally {
      if (saved !== undefined) process.env.NOTIFY_SOCKET = saved;
    }
  });

  it('rejects clearly when the socket is missing or the helper is absent', async () => {
    const gone = new Notifier({ env: { ...process.env, NOTIFY_SOCKET: `${socket.path}.missing` } });
    await expect(gone.send({ READY: 1 })).rejects.toThrow(/sd_notify: systemd-notify failed/);
    const noHelper = new Notifier({ env: { NOTIFY_SOCKET: socket.path }, command: '/nonexistent/systemd-notify' });
    await expect(noHelper.send({ READY: 1 })).rejects.toThrow(/sd_notify/);
    await expect(notifier().send({ 'bad key': 1 })).rejects.toThrow(/invalid variable name/);
    await expect(notifier().send({ STATUS: 'two\nlines' })).rejects.toThrow(/single line/);
  });
});

describe('watchdog', () => {
  it('reads WATCHDOG_USEC and honours WATCHDOG_PID', () => {
    expect(watchdogUsecFromEnv({ WATCHDOG_USEC: '30000000' }, 42)).toBe(30_000_000);
    expect(watchdogUsecFromEnv({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(30_000_000);
    expect(watchdogUsecFromEnv({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42)).toBe(0);
    expect(watchdogUsecFromEnv({ WATCHDOG_USEC: 'x' }, 42)).toBe(0);
    expect(watchdogUsecFromEnv({}, 42)).toBe(0);
    expect(startWatchdog(() => true, { env: {} }).active).toBe(false);
  });

  it('pets while healthy, stops petting while the event loop is blocked, then resumes', async () => {
    socket.messages.length = 0;
    const ticks: WatchdogTick[] = [];
    const pets = () => socket.payloads.filter((message) => message.fields.WATCHDOG === '1').length;
    const watchdog = startWatchdog(() => true, {
      notifier: notifier(),
      watchdogUsec: 600_000, // pet every 300 ms, loop delay limit 150 ms
      onTick: (tick) => ticks.push(tick),
    });
    try {
      expect(watchdog.intervalMs).toBe(300);
      await socket.waitFor(() => pets() >= 3);
      const petsBefore = pets();
      blockEventLoop(1_200);
      await socket.waitFor((messages) => messages.some((message) => message.fields.STATUS?.startsWith('unhealthy: event loop blocked')));
      const blocked = socket.payloads.find((message) => message.fields.STATUS?.startsWith('unhealthy'))!;
      expect(blocked.fields.WATCHDOG).toBeUndefined();
      expect(ticks.some((tick) => !tick.healthy && tick.loopDelayMaxMs >= 1_000)).toBe(true);
      await socket.waitFor((messages) => messages.at(-1)?.fields.STATUS === 'ready' || pets() > petsBefore + 2);
      expect(pets()).toBeGreaterThan(petsBefore);
    } finally {
      watchdog.stop();
    }
  });

  it('does not pet while the health check fails or hangs', async () => {
    socket.messages.length = 0;
    let mode: 'ok' | 'fail' | 'hang' = 'fail';
    const watchdog = startWatchdog(
      () => (mode === 'hang' ? new Promise<boolean>(() => {}) : mode === 'ok'),
      { notifier: notifier(), watchdogUsec: 400_000 },
    );
    try {
      await socket.waitFor((messages) => messages.some((message) => message.fields.STATUS === 'unhealthy: health check failed'));
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(socket.payloads.filter((message) => message.fields.WATCHDOG === '1')).toHaveLength(0);
      mode = 'hang';
      await socket.waitFor((messages) => messages.some((message) => /took longer than 100 ms/.test(message.fields.STATUS ?? '')));
      expect(socket.payloads.filter((message) => message.fields.WATCHDOG === '1')).toHaveLength(0);
      mode = 'ok';
      await socket.waitFor((messages) => messages.some((message) => message.fields.WATCHDOG === '1' && message.fields.STATUS === 'ready'));
    } finally {
      watchdog.stop();
    }
  });
});
