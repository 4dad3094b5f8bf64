import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../firmware/src/log/logger.js';
import { createReaders } from '../../../hardware/readers/create-readers.js';
import type { ReaderHub } from '../../../hardware/readers/hub.js';
import { nextEvent } from './events.js';

// A real serial line: socat joins two ptys; serialport opens one end, the test writes the
// other as a reader would.
const KEY = 'chain-key-for-tests-0001';
const PAN = '6037991234567890';
const EXPECTED_ID = `mag:${createHmac('sha256', KEY).update(PAN).digest('hex')}`;

let directory: string;
let socat: ChildProcess | undefined;
let readerEnd: FileHandle | undefined;
let readers: ReaderHub;
const logLines: string[] = [];

async function startSocat(): Promise<void> {
  const child = spawn('socat', ['pty,raw,echo=0,link=' + join(directory, 'reader'), 'pty,raw,echo=0,link=' + join(directory, 'kiosk')], { stdio: 'ignore' });
  socat = child;
  const deadline = Date.now() + 5000;
  while (!(existsSync(join(directory, 'reader')) && existsSync(join(directory, 'kiosk')))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('socat did not create the pty pair (is the Debian package socat installed?)');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  readerEnd = await open(join(directory, 'reader'), 'r+');
}

async function stopSocat(): Promise<void> {
  await readerEnd?.close();
  readerEnd = undefined;
  const child = socat;
  socat = undefined;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function send(bytes: string): Promise<void> {
  await readerEnd!.write(Buffer.from(bytes, 'latin1'));
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'bashgah-serial-'));
  await startSocat();
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => (logLines.push(line), true) } as unknown as NodeJS.WritableStream });
  readers = await createReaders(
    { cardIdKey: KEY, drivers: [{ id: 'mag', driver: 'magstripe', path: join(directory, 'kiosk'), swipeGapMs: 80, reopenInitialMs: 100, reopenMaxMs: 500 }] },
    logger,
  );
  await readers.start();
  expect(readers.statuses()).toEqual([expect.objectContaining({ device: 'reader:magstripe:mag', state: 'ok' })]);
});

afterAll(async () => {
  await readers?.stop();
  await stopSocat();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('serial magstripe reader over a socat pty pair', () => {
  const framings: Array<[string, string]> = [
    ['track 1 + track 2 + CR', `%B${PAN}^REZAEI/MARYAM^2903101?;${PAN}=2903101?\r`],
    ['STX/ETX with LRC bytes', `\u0002%B${PAN}^REZAEI/MARYAM^2903101?:;${PAN}=2903101?5\u0003`],
    ['tracks on separate lines', `%B${PAN}^REZAEI/MARYAM^2903101?\r\n;${PAN}=2903101?\r\n`],
    ['track 2 only, no terminator', `;${PAN}=2903101?`],
  ];
  for (const [name, swipe] of framings) {
    it(`reads a swipe: ${name}`, async () => {
      const card = nextEvent(readers, 'card');
      await send(swipe);
      expect(await card).toMatchObject({ readerId: 'mag', technology: 'magstripe', cardId: EXPECTED_ID });
    });
  }

  it('reads tracks that arrive in slow pieces as one swipe', async () => {
    const card = nextEvent(readers, 'card');
    for (const piece of [`%B${PAN}^REZ`, `AEI/MARYAM^2903101?`, `;${PAN}=29`, '03101?\r']) {
      await send(piece);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await card).toMatchObject({ cardId: EXPECTED_ID });
  });

  it('reports garbage and a partial swipe, then keeps reading', async () => {
    const garbage = nextEvent(readers, 'problem');
    await send('\u00ff\u0013hello\r');
    expect(await garbage).toMatchObject({ code: 'UNREADABLE_SWIPE' });
    await new Promise((resolve) => setTimeout(resolve, 250)); // > swipeGapMs: a separate swipe
    const partial = nextEvent(readers, 'problem');
    await send(`;${PAN.slice(0, 8)}`);
    expect(await partial).toMatchObject({ code: 'PARTIAL_SWIPE' });
    await new Promise((resolve) => setTimeout(resolve, 250)); // > swipeGapMs: a separate swipe
    const card = nextEvent(readers, 'card');
    await send(`;${PAN}=2903101?\r`);
    expect(await card).toMatchObject({ cardId: EXPECTED_ID });
  });

  it('goes offline when the line disappears and reopens it when it is back', async () => {
    const offline = nextEvent(readers, 'status', (status) => status.state === 'offline');
    await stopSocat();
    await offline;
    const ok = nextEvent(readers, 'status', (status) => status.state === 'ok', 5000);
    await startSocat();
    await ok;
    const card = nextEvent(readers, 'card');
    await send(`;${PAN}=2903101?\r`);
    expect(await card).toMatchObject({ cardId: EXPECTED_ID });
  });

  it('never logs the card number or track data', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const logs = logLines.join('');
    expect(logs).not.toContain(PAN);
    expect(logs).not.toContain(PAN.slice(0, 8));
    expect(logs).not.toContain(EXPECTED_ID);
  });
});
