import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../firmware/src/log/logger.js';
import type { Rc522Driver as Rc522DriverType } from '../../../hardware/readers/rc522/rc522-driver.js';
import type { CARD_SLOT_INTS as SlotInts, setCard as SetCard } from '../../../hardware/readers/rc522/testing/fake-spi.js';
import { nextEvent, recordEvents } from './events.js';

// The compiled driver starts its compiled worker; the worker runs the real mfrc522-rpi against
// the fake SPI chip model, whose card slot is shared memory this test writes to.
const dist = fileURLToPath(new URL('../../../dist/hardware/readers/rc522/', import.meta.url));
let driver: Rc522DriverType;
let setCard: typeof SetCard;
let slot: SharedArrayBuffer;

beforeAll(async () => {
  const { Rc522Driver } = (await import(pathToFileURL(`${dist}rc522-driver.js`).href)) as typeof import('../../../hardware/readers/rc522/rc522-driver.js');
  const fake = (await import(pathToFileURL(`${dist}testing/fake-spi.js`).href)) as { setCard: typeof SetCard; CARD_SLOT_INTS: typeof SlotInts };
  setCard = fake.setCard;
  slot = new SharedArrayBuffer(fake.CARD_SLOT_INTS * 4);
  driver = new Rc522Driver(
    { id: 'rc522', driver: 'rc522', pins: { clock: 23, mosi: 19, miso: 21, client: 24, reset: 22 }, pollIntervalMs: 20, removeAfterMisses: 2, restartInitialMs: 50, restartMaxMs: 200 },
    { logger: createLogger({ level: 'silent' }), cardIdKey: 'k'.repeat(16), now: Date.now },
    { spiModuleUrl: pathToFileURL(`${dist}testing/fake-spi.js`).href, spiOptions: { cardSlot: slot } },
  );
  await driver.start();
});

afterAll(async () => {
  await driver?.stop();
});

describe('RC522 polled by a worker thread', () => {
  it('is ok once the worker polls', () => {
    expect(driver.statuses()).toEqual([expect.objectContaining({ device: 'reader:rc522:rc522', state: 'ok' })]);
  });

  it('reports a card once while it stays, and its removal', async () => {
    const events = recordEvents(driver);
    const card = nextEvent(driver, 'card');
    setCard(slot, [0x0a, 0x1b, 0x2c, 0x3d]);
    expect(await card).toMatchObject({ readerId: 'rc522', technology: 'rc522', cardId: 'rc522:0A1B2C3D' });
    await new Promise((resolve) => setTimeout(resolve, 200)); // ~10 more polls with the card present
    const removed = nextEvent(driver, 'removed');
    setCard(slot, undefined);
    await removed;
    expect(events.card).toHaveLength(1);
  });

  it('reports a 7-byte UID card as unsupported', async () => {
    const problem = nextEvent(driver, 'problem');
    setCard(slot, [0x88, 0x04, 0x11, 0x22]);
    expect(await problem).toMatchObject({ code: 'UNSUPPORTED_CARD' });
    setCard(slot, undefined);
  });

  it('restarts a worker that crashed, reporting offline meanwhile', async () => {
    const offline = nextEvent(driver, 'status', (status) => status.state === 'offline');
    setCard(slot, [1, 2, 3, 4], 2); // CARD_MODE.busFault: the next poll throws inside the worker
    expect(await offline).toMatchObject({ detail: expect.stringContaining('fake SPI bus fault') });
    const ok = nextEvent(driver, 'status', (status) => status.state === 'ok');
    setCard(slot, undefined);
    await ok;
    const card = nextEvent(driver, 'card');
    setCard(slot, [0x0a, 0x1b, 0x2c, 0x3d]);
    expect(await card).toMatchObject({ cardId: 'rc522:0A1B2C3D' });
    setCard(slot, undefined);
  });

  it('keeps the main thread free: mfrc522-rpi and rpio are loaded only in the worker', () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.filter((path) => /mfrc522-rpi|[\\/]rpio[\\/]|rpi-softspi/.test(path))).toEqual([]);
  });
});
