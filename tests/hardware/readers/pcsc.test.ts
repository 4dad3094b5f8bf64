import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../firmware/src/log/logger.js';
import { createReaders } from '../../../hardware/readers/create-readers.js';
import type { ReaderHub } from '../../../hardware/readers/hub.js';
import { encodeTextMemory } from '../../../hardware/readers/pcsc/ndef.js';
import { PcscdHarness } from '../../../hardware/readers/pcsc/testing/pcscd-harness.js';
import { desfire, ntag213, phone, unknownCard } from '../../../hardware/readers/pcsc/testing/card-models.js';
import { VirtualCard } from '../../../hardware/readers/pcsc/testing/virtual-card.js';
import { nextEvent, recordEvents } from './events.js';

// The real stack: pcscd (started here, as root) + Debian's vpcd driver + nfc-pcsc + our driver.
// The virtual cards are clients of vpcd that this project implements (testing/); vpcd runs in a
// private network namespace and is reached through Unix sockets.
const UID = Buffer.from('04A1B2C3D4E5F6', 'hex');
const CARD_ID = 'nfc:04A1B2C3D4E5F6';

let pcscd: PcscdHarness;
let readers: ReaderHub;
const logLines: string[] = [];
const cards: VirtualCard[] = [];

async function insert(...args: Parameters<typeof VirtualCard.insert>): Promise<VirtualCard> {
  const card = await VirtualCard.insert(...args);
  cards.push(card);
  return card;
}

async function removeAll(): Promise<void> {
  await Promise.all(cards.splice(0).map((card) => card.remove()));
}

beforeAll(async () => {
  pcscd = await PcscdHarness.start(); // throws a clear PcscdUnavailableError when it cannot run
  // libpcsclite reads this once, at the first connection: set it before nfc-pcsc is loaded.
  process.env.PCSCLITE_CSOCK_NAME = pcscd.socketPath;
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }) });
  readers = await createReaders(
    // Slot 1 stands for an ACR1252U's SAM slot: it must be ignored by name.
    { cardIdKey: 'test-key-0123456789', drivers: [{ id: 'nfc', driver: 'pcsc', ignoreReaders: 'SAM|00 01', problemQuietMs: 0 }] },
    logger,
  );
  const ready = nextEvent(readers, 'status', (status) => status.state === 'ok', 10_000);
  await readers.start();
  await ready;
});

afterAll(async () => {
  await removeAll();
  await readers?.stop();
  await pcscd?.dispose();
});

describe('PC/SC through the real pcscd and vpcd', () => {
  it('uses slot 00 00 and ignores the slot named like a SAM', () => {
    expect(readers.statuses()).toEqual([expect.objectContaining({ device: 'reader:pcsc:nfc', state: 'ok', detail: '1 reader(s): Virtual PCD 00 00' })]);
  });

  it('stays silent about a card in the ignored slot', async () => {
    const events = recordEvents(readers);
    await insert(pcscd.slot(1), ntag213(UID));
    await new Promise((resolve) => setTimeout(resolve, 1000)); // two pcscd polling rounds
    await removeAll();
    expect([...events.card, ...events.problem]).toEqual([]);
  });

  it('reads an NTAG213: UID and NDEF text, then its removal', async () => {
    const card = nextEvent(readers, 'card');
    await insert(pcscd.slot(0), ntag213(UID, encodeTextMemory('مشتری ویژه')));
    expect(await card).toMatchObject({ readerId: 'nfc', technology: 'iso14443-3', cardId: CARD_ID, tagText: 'مشتری ویژه' });
    const removed = nextEvent(readers, 'removed');
    await removeAll();
    expect(await removed).toMatchObject({ readerId: 'nfc' });
  });

  it('answers a phone with one RANDOM_UID problem and no card event', async () => {
    const events = recordEvents(readers);
    const problem = nextEvent(readers, 'problem');
    await insert(pcscd.slot(0), phone());
    expect(await problem).toMatchObject({ code: 'RANDOM_UID' });
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing else may follow
    await removeAll();
    expect(events.card).toEqual([]);
    expect(events.problem).toHaveLength(1);
  });

  it('accepts an ISO 14443-4 card with a fixed UID', async () => {
    const card = nextEvent(readers, 'card');
    await insert(pcscd.slot(0), desfire(UID));
    expect(await card).toMatchObject({ technology: 'iso14443-4', cardId: CARD_ID });
    await removeAll();
  });

  it('reports malformed tag memory and still identifies the card', async () => {
    const problem = nextEvent(readers, 'problem');
    const card = nextEvent(readers, 'card');
    await insert(pcscd.slot(0), ntag213(UID, Buffer.from([0x03, 0x0a, 0xd1, 0x01, 0x40, 0x54, 0x02, 0x66, 0x61, 0x41, 0x42, 0x43, 0xfe])));
    expect(await problem).toMatchObject({ code: 'TAG_MEMORY_MALFORMED' });
    expect(await card).toMatchObject({ cardId: CARD_ID });
    expect((await card).tagText).toBeUndefined();
    await removeAll();
  });

  it('refuses an unknown ATR without talking to the card', async () => {
    const problem = nextEvent(readers, 'problem');
    const card = await insert(pcscd.slot(0), unknownCard());
    expect(await problem).toMatchObject({ code: 'UNSUPPORTED_CARD' });
    expect(card.apdusAnswered).toBe(0);
    await removeAll();
  });

  it('reports a card pulled mid-read, keeping the UID it already read', async () => {
    const problem = nextEvent(readers, 'problem');
    const card = nextEvent(readers, 'card');
    await insert(pcscd.slot(0), ntag213(UID), { pullAfterApdus: 1 });
    expect(await problem).toMatchObject({ code: 'CARD_REMOVED_MID_READ' });
    expect(await card).toMatchObject({ cardId: CARD_ID });
    await removeAll();
  });

  it('survives pcscd being stopped and started again, and starts while pcscd is down', async () => {
    const offline = nextEvent(readers, 'status', (status) => status.state === 'offline');
    await pcscd.stop();
    await offline;
    // A second service starting now must not spin in pcsclite's constructor (the socket
    // probe guards it): it reports pcscd missing and comes up with it.
    const late = await createReaders({ cardIdKey: 'test-key-0123456789', drivers: [{ id: 'late', driver: 'pcsc', ignoreReaders: 'SAM|00 01' }] }, createLogger({ level: 'silent' }));
    await late.start();
    expect(late.statuses()).toEqual([expect.objectContaining({ state: 'offline', detail: expect.stringContaining('pcscd is not running') })]);
    const lateBack = nextEvent(late, 'status', (status) => status.state === 'ok', 10_000);
    const back = nextEvent(readers, 'status', (status) => status.state === 'ok', 10_000);
    const restartedAtMs = Date.now();
    await pcscd.launch();
    await back;
    await lateBack;
    await late.stop();
    expect(Date.now() - restartedAtMs).toBeLessThan(8000);
    const card = nextEvent(readers, 'card');
    await insert(pcscd.slot(0), ntag213(UID));
    expect(await card).toMatchObject({ cardId: CARD_ID });
    await removeAll();
  });

  it('reports a read cut short by pcscd (the reader) going away, and recovers', async () => {
    const problem = nextEvent(readers, 'problem', (event) => ['CARD_REMOVED_MID_READ', 'TRANSMIT_FAILED', 'READER_TIMEOUT'].includes(event.code));
    const offline = nextEvent(readers, 'status', (status) => status.state === 'offline');
    const slowCard = await insert(pcscd.slot(0), ntag213(UID), { answerDelayMs: 300 });
    while (slowCard.apdusAnswered < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await pcscd.stop(); // mid-read: the memory read is waiting for the card's answer
    try {
      await Promise.all([problem, offline]);
    } finally {
      await removeAll();
      const back = nextEvent(readers, 'status', (status) => status.state === 'ok', 10_000);
      await pcscd.launch();
      await back;
    }
  });

  it('stops promptly right after a card leaves (no pcsclite close deadlock)', () => {
    // In a child process: a deadlock blocks the whole thread, so only a process timeout sees it.
    const script = fileURLToPath(new URL('../../../dist/hardware/readers/pcsc/testing/stop-after-removal.js', import.meta.url));
    const child = spawnSync(process.execPath, [script, String(pcscd.slot(0))], { env: { ...process.env, PCSCLITE_CSOCK_NAME: pcscd.socketPath }, encoding: 'utf8', timeout: 15_000 });
    expect({ stdout: child.stdout, signal: child.signal, status: child.status }).toEqual({ stdout: 'stopped\n', signal: null, status: 0 });
  });

  it('opens no TCP port on the host for vpcd (its listener stays inside the namespace)', () => {
    // vpcd binds INADDR_ANY on port 0x8C7B and 0x8C7C; the host's table must not list them.
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((table) => readFileSync(table, 'utf8').split('\n').slice(1))
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A') // TCP_LISTEN
      .map((fields) => parseInt(fields[1]!.split(':')[1]!, 16));
    expect(typeof pcscd.slot(0)).toBe('string');
    expect(listening).not.toContain(0x8c7b);
    expect(listening).not.toContain(0x8c7c);
  });

  it('never logs a card id or UID', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toMatch(/04A1B2C3D4E5F6/i);
  });
});
