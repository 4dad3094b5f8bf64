import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { CardPresence, pollOnce, type Mfrc522Like } from './presence.js';
import type { DriverToWorker, Rc522WorkerData, WorkerToDriver } from './worker-protocol.js';

/**
 * Polls the RC522 off the main thread: rpi-softspi bit-bangs SPI synchronously in JavaScript,
 * so every poll would otherwise stall the kiosk. mfrc522-rpi (and with it rpio) is loaded
 * here, only when an RC522 is configured.
 */
interface Spi {
  open(): void;
  close?(): void;
}
type Mfrc522Class = new (spi: Spi) => Mfrc522Like & { setResetPin(pin: number): Mfrc522Like };

const data = workerData as Rc522WorkerData;
const port = parentPort;
if (!port) throw new Error('rc522-worker must run as a worker thread');
const send = (message: WorkerToDriver) => port.postMessage(message);
const require = createRequire(import.meta.url);

async function createSpi(): Promise<Spi> {
  if (data.spiModuleUrl) {
    const module = (await import(data.spiModuleUrl)) as { createSpi(options: unknown): Spi };
    return module.createSpi(data.spiOptions);
  }
  const SoftSpi = require('rpi-softspi') as new (options: object) => Spi;
  const { clock, mosi, miso, client } = data.pins;
  return new SoftSpi({ clock, mosi, miso, client });
}

const spi = await createSpi();
const Mfrc522 = require('mfrc522-rpi') as Mfrc522Class;
const chip: Mfrc522Like = data.spiModuleUrl ? new Mfrc522(spi) : new Mfrc522(spi).setResetPin(data.pins.reset);
const presence = new CardPresence(data.removeAfterMisses);
let lastCascadeReportMs = -Infinity;

const timer = setInterval(() => {
  const poll = pollOnce(chip);
  if (poll.kind === 'cascade') {
    if (Date.now() - lastCascadeReportMs > 5000) {
      lastCascadeReportMs = Date.now();
      send({ type: 'problem', code: 'UNSUPPORTED_CARD', message: 'this card has a 7- or 10-byte UID; the RC522 driver reads only 4-byte UIDs (use a PC/SC reader)' });
    }
    return;
  }
  const change = presence.update(poll);
  if (change) send(change.kind === 'card' ? { type: 'card', uid: change.uid } : { type: 'removed' });
}, data.pollIntervalMs);

port.on('message', (message: DriverToWorker) => {
  if (message.type !== 'stop') return;
  clearInterval(timer);
  spi.close?.();
  port.close();
});
send({ type: 'ready' });
