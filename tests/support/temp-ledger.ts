import { afterEach, beforeEach } from 'vitest';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { Ledger, type LedgerOptions } from '../../firmware/src/ledger/ledger.js';
import { memoryLogger } from './silent-logger.js';
import { tempDir } from './temp-dir.js';

/** A fresh temporary directory for each test of the enclosing suite, removed after the test. */
export function tempDirPerTest(prefix?: string): { readonly path: string } {
  let dir: ReturnType<typeof tempDir> | undefined;
  beforeEach(() => {
    dir = tempDir(prefix);
  });
  afterEach(() => dir?.remove());
  return {
    get path() {
      if (!dir) throw new Error('the temporary directory exists only during a test');
      return dir.path;
    },
  };
}

/**
 * A ledger in a fresh directory for each test (a manual clock, logs kept in memory). `open()`
 * opens it, also again after the test closed it to restart, with options of its own if given;
 * the last one opened is closed and the directory removed after the test.
 */
export function ledgerPerTest(): { open(options?: Partial<Omit<LedgerOptions, 'dataDir'>>): Promise<Ledger>; readonly dir: { readonly path: string } } {
  const dir = tempDirPerTest();
  let last: Ledger | undefined;
  afterEach(async () => {
    await last?.close();
    last = undefined;
  });
  return {
    dir,
    open: async (options = {}) => (last = await Ledger.open({ logger: memoryLogger().logger, clock: new ManualClock(), ...options, dataDir: dir.path })),
  };
}
