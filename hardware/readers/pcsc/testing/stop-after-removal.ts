/**
 * Regression check run as a child process (it may hang, so the test guards it with a
 * timeout): a PC/SC driver stopped in the same tick chain as a card's removal must not
 * deadlock in the pcsclite binding. Usage: node stop-after-removal.js <vpcd slot: socket path or port>, with
 * PCSCLITE_CSOCK_NAME set. Exits 0 when stopped. Test-only code.
 */
import { createLogger } from '../../../../firmware/src/log/logger.js';
import { createReaders } from '../../create-readers.js';
import { ntag213 } from './card-models.js';
import { VirtualCard } from './virtual-card.js';

const slotArgument = process.argv[2] ?? '';
const slot = /^\d+$/.test(slotArgument) ? Number(slotArgument) : slotArgument;
const readers = await createReaders({ cardIdKey: 'test-key-0123456789', drivers: [{ id: 'nfc', driver: 'pcsc', ignoreReaders: '00 01' }] }, createLogger({ level: 'silent' }));
const ready = new Promise<void>((resolve) => readers.on('status', (status) => status.state === 'ok' && resolve()));
await readers.start();
await ready;
const card = new Promise((resolve) => readers.on('card', resolve));
const virtualCard = await VirtualCard.insert(slot, ntag213(Buffer.from('04A1B2C3D4E5F6', 'hex')));
await card;
const removed = new Promise((resolve) => readers.on('removed', resolve));
await virtualCard.remove();
await removed;
await readers.stop(); // no macrotask in between: the window where closing used to deadlock
process.stdout.write('stopped\n');
process.exit(0);
