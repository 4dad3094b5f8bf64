import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../firmware/src/log/logger.js';
import { createReaders } from '../../../hardware/readers/create-readers.js';
import type { ReaderHub } from '../../../hardware/readers/hub.js';
import { nativeEventBytes } from '../../../hardware/readers/wedge/input-events.js';
import { typeLine } from '../../../hardware/readers/wedge/testing/type-line.js';
import { nextEvent, recordEvents } from './events.js';

// The wedge driver reads a FIFO exactly as it reads /dev/input/eventN: the test writes encoded
// input_event records into it, with kernel-style timestamps that say how fast keys were typed.
const EVENT_BYTES = nativeEventBytes();
let directory: string;
let fifo: string;
let writer: FileHandle | undefined;
let readers: ReaderHub;

async function plugIn(): Promise<void> {
  writer = await open(fifo, 'w'); // blocks until the driver opens its end
}

async function type(text: string, keyGapMs: number): Promise<void> {
  await writer!.write(typeLine(text, Date.now(), keyGapMs, EVENT_BYTES));
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'bashgah-wedge-'));
  fifo = join(directory, 'event-kbd');
  execFileSync('mkfifo', [fifo]);
  readers = await createReaders(
    { cardIdKey: 'test-key-0123456789', drivers: [{ id: 'rfid', driver: 'wedge', device: fifo, kind: 'em4100', reopenInitialMs: 50, reopenMaxMs: 200 }] },
    createLogger({ level: 'silent' }),
  );
  await readers.start();
  const ok = nextEvent(readers, 'status', (status) => status.state === 'ok');
  await plugIn();
  await ok;
});

afterAll(async () => {
  await readers?.stop();
  await writer?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('keyboard-wedge reader through a FIFO', () => {
  it('reads an EM4100 id typed at reader speed', async () => {
    const card = nextEvent(readers, 'card');
    await type('0012345678', 2);
    expect(await card).toMatchObject({ readerId: 'rfid', technology: 'em4100', cardId: 'em:0012345678' });
  });

  it('ignores the same digits typed by a person, with one problem', async () => {
    const events = recordEvents(readers);
    const problem = nextEvent(readers, 'problem');
    await type('0012345678', 150);
    expect(await problem).toMatchObject({ code: 'HUMAN_TYPING' });
    await type('0087654321', 150);
    const card = nextEvent(readers, 'card');
    await type('0000000042', 3);
    expect(await card).toMatchObject({ cardId: 'em:0000000042' });
    expect(events.card).toHaveLength(1);
    expect(events.problem).toHaveLength(1);
  });

  it('reports what is not an EM4100 id and keeps reading', async () => {
    const problem = nextEvent(readers, 'problem');
    await type('hello', 2);
    expect(await problem).toMatchObject({ code: 'UNREADABLE_CARD' });
    const card = nextEvent(readers, 'card');
    await type('0012345678', 2);
    expect(await card).toMatchObject({ cardId: 'em:0012345678' });
  });

  it('reads 16-byte records, as a 32-bit (armhf) process gets them', async () => {
    const fifo32 = join(directory, 'event-kbd-32');
    execFileSync('mkfifo', [fifo32]);
    const scanner = await createReaders(
      { cardIdKey: 'test-key-0123456789', drivers: [{ id: 'scan', driver: 'wedge', device: fifo32, kind: 'barcode', eventBytes: 16 }] },
      createLogger({ level: 'silent' }),
    );
    await scanner.start();
    const writer32 = await open(fifo32, 'w');
    const card = nextEvent(scanner, 'card');
    await writer32.write(typeLine('CLUB-0042', Date.now(), 2, 16));
    expect(await card).toMatchObject({ readerId: 'scan', technology: 'barcode', cardId: 'code:CLUB-0042' });
    await scanner.stop();
    await writer32.close();
  });

  it('joins a magstripe wedge that presses Enter after each track into one swipe', async () => {
    const fifoMag = join(directory, 'event-kbd-mag');
    execFileSync('mkfifo', [fifoMag]);
    const magstripe = await createReaders(
      { cardIdKey: 'test-key-0123456789', drivers: [{ id: 'magkbd', driver: 'wedge', device: fifoMag, kind: 'magstripe' }] },
      createLogger({ level: 'silent' }),
    );
    const events = recordEvents(magstripe);
    await magstripe.start();
    const writerMag = await open(fifoMag, 'w');
    const card = nextEvent(magstripe, 'card');
    const startMs = Date.now();
    await writerMag.write(Buffer.concat([typeLine('%B6037991234567890^REZAEI/M^2903?', startMs, 2, EVENT_BYTES), typeLine(';6037991234567890=2903?', startMs + 100, 2, EVENT_BYTES)]));
    expect(await card).toMatchObject({ technology: 'magstripe', cardId: expect.stringMatching(/^mag:[0-9a-f]{64}$/) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(events.card).toHaveLength(1);
    expect(events.problem).toEqual([]);
    await magstripe.stop();
    await writerMag.close();
  });

  it('goes offline when the device goes away and reads again when it is back', async () => {
    const offline = nextEvent(readers, 'status', (status) => status.state === 'offline');
    await writer!.close();
    writer = undefined;
    await offline;
    const ok = nextEvent(readers, 'status', (status) => status.state === 'ok');
    await plugIn();
    await ok;
    const card = nextEvent(readers, 'card');
    await type('0012345678', 2);
    expect(await card).toMatchObject({ cardId: 'em:0012345678' });
  });
});
