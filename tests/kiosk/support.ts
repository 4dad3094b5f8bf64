import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { parseConfig } from '../../firmware/src/config/load.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { composeKiosk, type Kiosk } from '../../firmware/src/kiosk/compose.js';

export const TOKENS = {
  pos: 'pos-token-0123456789abcdef',
  staff: 'staff-token-0123456789abcdef',
  technician: 'tech-token-0123456789abcdef',
};

export interface TestKiosk {
  kiosk: Kiosk;
  clock: ManualClock;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A whole kiosk in-process on a temp directory: the real ledger, loyalty engine, runtime and
 * fastify app, with the simulated reader. No printer unless asked (the API needs none).
 */
export async function startTestKiosk(overrides: Record<string, unknown> = {}): Promise<TestKiosk> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bashgah-kiosk-test-'));
  const config = parseConfig({
    tokens: [
      { name: 'till-1', token: TOKENS.pos, role: 'pos' },
      { name: 'manager', token: TOKENS.staff, role: 'staff' },
      { name: 'tech', token: TOKENS.technician, role: 'technician' },
    ],
    hardware: { printer: { driver: 'none' }, indicator: { driver: 'simulated' } },
    ...overrides,
  });
  // Mid-morning in Tehran on a Wednesday outside every campaign window.
  const clock = new ManualClock(Date.UTC(2026, 5, 10, 9, 0));
  const kiosk = await composeKiosk({ config, dataDir, logger: createLogger({ level: process.env.BASHGAH_TEST_LOG ?? 'silent' }), clock });
  return {
    kiosk,
    clock,
    dataDir,
    async close() {
      await kiosk.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const auth = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });
