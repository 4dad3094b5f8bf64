import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Ledger } from '../../ledger/ledger.js';
import { ManualClock } from '../../ledger/clock.js';
import type { Actor, Op } from '../../ledger/types.js';
import type { LoyaltyRules } from '../config.js';
import { loyaltyModule } from '../module/loyalty-module.js';
import { LoyaltyService } from '../service.js';
import type { RandomSource } from '../service-context.js';
import { Ed25519VoucherSigner } from '../vouchers/signer.js';
import type { LedgerModule } from '../../ledger/module.js';

/** A real ledger in a temp directory with the loyalty module, a manual clock and the service. */
export interface ServiceFixture {
  dir: string;
  clock: ManualClock;
  ledger: Ledger;
  service: LoyaltyService;
  signer: Ed25519VoucherSigner;
  /** Closes and reopens the ledger from disk (journal replay), with new rules if given. */
  reopen(rules?: LoyaltyRules): Promise<void>;
  enrol(memberId: string, phone: string, profile?: { birthday?: string; anniversary?: string; interests?: string[] }): Promise<void>;
  close(): Promise<void>;
}

export const staff: Actor = { kind: 'staff', id: 'cashier-1' };

/** Deterministic "randomness" for tests: a counter for bytes, fixed rolls. */
export function countingRandom(rolls: number[] = []): RandomSource {
  let counter = 0;
  return {
    bytes: (count) => Uint8Array.from({ length: count }, (_, index) => (counter * 31 + index * 7 + (index === 0 ? counter++ : 0)) & 255),
    int: (maxExclusive) => Math.min(maxExclusive - 1, rolls.shift() ?? 0),
  };
}

export async function openServiceFixture(
  rules: LoyaltyRules,
  startMs: number,
  random: RandomSource = countingRandom(),
  deviceId = 'kiosk-1',
  snapshotEveryRecords?: number,
): Promise<ServiceFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'bashgah-loyalty-'));
  const clock = new ManualClock(startMs);
  const signer = Ed25519VoucherSigner.generate(deviceId);
  const logger = pino({ level: 'silent' });
  const open = async (withRules: LoyaltyRules) => {
    const ledger = await Ledger.open({ dataDir: dir, modules: [loyaltyModule as LedgerModule<unknown>], clock, logger, ...(snapshotEveryRecords !== undefined && { snapshotEveryRecords }) });
    const service = await LoyaltyService.open({ ledger, rules: withRules, signer, random, logger });
    return { ledger, service };
  };
  const fixture: ServiceFixture = {
    dir,
    clock,
    signer,
    ...(await open(rules)),
    async reopen(newRules = rules) {
      await fixture.ledger.close();
      Object.assign(fixture, await open(newRules));
    },
    async enrol(memberId, phone, profile = {}) {
      const op: Op = { op: 'member.create', memberId, name: 'مشتری نمونه', phone, smsConsent: true, storeId: 'store-1', ...profile };
      await fixture.ledger.commit({ id: `enrol:${memberId}`, actor: staff, ops: [op] });
    },
    async close() {
      await fixture.ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}
