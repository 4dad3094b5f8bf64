import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { LoyaltyService } from '../../firmware/src/loyalty/service.js';
import { defaultLoyaltyRules } from '../../firmware/src/loyalty/rules/parse.js';
import { loadOrCreateDeviceSigner } from '../../firmware/src/loyalty/vouchers/signer.js';
import { HqLoyaltyRules } from './hq-rules.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const logger = createLogger({ level: 'silent' });

async function kiosk(dir: string, rules = defaultLoyaltyRules()) {
  const ledger = await Ledger.open({ dataDir: join(dir, 'ledger'), modules: kioskLedgerModules(), logger });
  const signer = await loadOrCreateDeviceSigner('k1', join(dir, 'voucher.pem'));
  return { ledger, loyalty: await LoyaltyService.open({ ledger, rules, signer, logger }) };
}
const doc = (version: number, body: unknown) => ({ kind: 'loyalty', version, body, updatedAtMs: 0 });

describe('HqLoyaltyRules', () => {
  it('journals a valid document, keeps it for the next start, and ignores versions it has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bashgah-hq-rules-'));
    dirs.push(dir);
    const { ledger, loyalty } = await kiosk(dir);
    const rules = await HqLoyaltyRules.load(dir, logger);
    expect(rules.startupRules()).toBeUndefined();
    expect(await rules.apply(doc(3, { earning: { rialPerPoint: 7000 } }), loyalty, 1)).toBe('applied');
    expect(loyalty.rules.earning.rialPerPoint).toBe(7000);
    expect(await rules.apply(doc(3, { earning: { rialPerPoint: 1 } }), loyalty, 2)).toBe('stale');
    expect(loyalty.rules.earning.rialPerPoint).toBe(7000);
    await ledger.close();

    const again = await HqLoyaltyRules.load(dir, logger);
    expect(again.acceptedVersion).toBe(3);
    expect(again.startupRules()?.earning.rialPerPoint).toBe(7000);
  });

  it('refuses an invalid document: nothing is journaled, the alarm names the version until a valid one arrives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bashgah-hq-rules-'));
    dirs.push(dir);
    const { ledger, loyalty } = await kiosk(dir);
    const rules = await HqLoyaltyRules.load(dir, logger);
    const seq = ledger.lastSeq;
    expect(await rules.apply(doc(1, { earning: { rialPerPoint: 'many' } }), loyalty, 1)).toBe('refused');
    expect(ledger.lastSeq).toBe(seq);
    expect(rules.alarms()).toEqual(['rules-refused:v1']);
    expect(rules.refusal()?.problems.join()).toMatch(/rialPerPoint/);
    expect((await HqLoyaltyRules.load(dir, logger)).alarms()).toEqual(['rules-refused:v1']);
    expect(await rules.apply(doc(2, {}), loyalty, 2)).toBe('applied');
    expect(rules.alarms()).toEqual([]);
    await ledger.close();
  });

  it('starts with the config file rules when the stored document no longer passes or the file is corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bashgah-hq-rules-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'hq-loyalty.json'), JSON.stringify({ version: 1, accepted: { version: 4, body: { earning: { rialPerPoint: 0 } }, acceptedAtMs: 1 } }));
    expect((await HqLoyaltyRules.load(dir, logger)).startupRules()).toBeUndefined();
    writeFileSync(join(dir, 'hq-loyalty.json'), '{not json');
    expect((await HqLoyaltyRules.load(dir, logger)).acceptedVersion).toBeUndefined();
  });
});
