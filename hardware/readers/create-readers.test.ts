import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../firmware/src/log/logger.js';
import { magstripeCardId } from './card-id.js';
import { DEMO_CARD_ID_KEY, ReadersConfigSchema, type ReadersConfig } from './config.js';
import { createReaders, ReaderConfigError } from './create-readers.js';
import { SimulatedReader } from './simulated/simulated-reader.js';
import { recordEvents } from '../../tests/hardware/readers/events.js';

const logger = createLogger({ level: 'silent' });

function sectionFrom(input: unknown): ReadersConfig {
  const copy = structuredClone(input) as ReadersConfig;
  const validate = new Ajv({ useDefaults: true, strict: false }).compile(ReadersConfigSchema);
  if (!validate(copy)) throw new Error(JSON.stringify(validate.errors));
  return copy;
}

describe('the readers config section', () => {
  it('is one simulated reader with the demo key when empty', () => {
    expect(sectionFrom({})).toEqual({ cardIdKey: DEMO_CARD_ID_KEY, drivers: [{ id: 'simulated', driver: 'simulated' }] });
  });
});

describe('createReaders', () => {
  it('lists the valid driver names for an unknown one', async () => {
    await expect(createReaders(sectionFrom({ drivers: [{ id: 'x', driver: 'acr999' }] }), logger)).rejects.toThrow(
      'reader "x" has unknown driver "acr999"; valid drivers: simulated, pcsc, rc522, magstripe, wedge',
    );
  });

  it("validates each driver's settings with its own schema and fills defaults", async () => {
    await expect(createReaders(sectionFrom({ drivers: [{ id: 'm', driver: 'magstripe', path: '/dev/ttyUSB0', baud: 9600 }] }), logger)).rejects.toThrow(
      /drivers\[m\]\/baud: is not a known setting/,
    );
    await expect(createReaders(sectionFrom({ drivers: [{ id: 'w', driver: 'wedge', device: '/dev/input/event3' }] }), logger)).rejects.toThrow(ReaderConfigError);
    await expect(createReaders(sectionFrom({ drivers: [{ id: 'a', driver: 'simulated' }, { id: 'a', driver: 'simulated' }] }), logger)).rejects.toThrow(/unique/);
  });

  it('shows a driver that cannot start as a status, not a crash', async () => {
    const readers = await createReaders(sectionFrom({ drivers: [{ id: 'mag', driver: 'magstripe', path: '/dev/bashgah-no-such-tty', reopenInitialMs: 60_000, reopenMaxMs: 60_000 }] }), logger);
    await readers.start();
    expect(readers.statuses()).toEqual([expect.objectContaining({ device: 'reader:magstripe:mag', state: 'offline', detail: expect.stringContaining('cannot open') })]);
    await readers.stop();
  });

  it('loads no native reader library for the demo configuration', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      const { createReaders } = await import('./dist/hardware/readers/create-readers.js');
      const { createLogger } = await import('./dist/firmware/src/log/logger.js');
      const readers = await createReaders({ cardIdKey: '${DEMO_CARD_ID_KEY}', drivers: [{ id: 'simulated', driver: 'simulated' }] }, createLogger({ level: 'silent' }));
      await readers.start();
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as string[];
    expect(loaded.filter((path) => /nfc-pcsc|pcsclite|mfrc522|[\\/]rpio[\\/]|serialport/.test(path))).toEqual([]);
  });
});

describe('the simulated twin', () => {
  it('taps, swipes through the real parser, removes, and unplugs', async () => {
    const readers = await createReaders(sectionFrom({ cardIdKey: 'store-chain-key-0001' }), logger);
    const simulator = readers.driver('simulated', SimulatedReader)!;
    const events = recordEvents(readers);
    await readers.start();

    expect(simulator.tap('04a1b2c3d4e5f6', { tagText: 'VIP' })).toBe(true);
    expect(simulator.tap('em:0012345678')).toBe(true);
    expect(simulator.remove()).toBe(true);
    expect(simulator.swipe(';6037991234567890=2903?\r')).toBe(true);
    expect(simulator.swipe(';603799')).toBe(true);
    expect(() => simulator.tap('not-a-uid')).toThrow(RangeError);
    simulator.unplug();
    expect(simulator.tap('04a1b2c3d4e5f6')).toBe(false);
    simulator.replug();

    expect(events.card.map(({ technology, cardId, tagText }) => ({ technology, cardId, tagText }))).toEqual([
      { technology: 'iso14443-3', cardId: 'nfc:04A1B2C3D4E5F6', tagText: 'VIP' },
      { technology: 'em4100', cardId: 'em:0012345678', tagText: undefined },
      { technology: 'magstripe', cardId: magstripeCardId('6037991234567890', 'store-chain-key-0001'), tagText: undefined },
    ]);
    expect(events.removed).toHaveLength(2); // the first card replaced by the second, then removed
    expect(events.problem.map((problem) => problem.code)).toEqual(['PARTIAL_SWIPE']);
    expect(events.status.map((status) => status.state)).toEqual(['ok', 'absent', 'ok']);
    await readers.stop();
  });
});
