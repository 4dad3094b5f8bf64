/**
 * Loyalty engine figures: `npm run build && node dist/firmware/src/loyalty/bench/loyalty-bench.js`
 * Each row is measured in this run, with a ratio against a peer measured in the same run:
 * a purchase against the bare double-entry transfer it posts, a QR payload check against a
 * typed-code check, the nightly expiry run per member, and durable commits one by one against
 * concurrent ones (group commit). Prints a table; `--json` prints the rows as JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../log/logger.js';
import { Ledger } from '../../ledger/ledger.js';
import { ManualClock } from '../../ledger/clock.js';
import type { LedgerModule } from '../../ledger/module.js';
import type { Op } from '../../ledger/types.js';
import { loyaltyModule } from '../module/loyalty-module.js';
import { parseLoyaltyRules } from '../rules/parse.js';
import { EngineHarness } from '../testing/engine-harness.js';
import { checkPayload, signPayload } from '../vouchers/payload.js';
import { Ed25519VoucherSigner } from '../vouchers/signer.js';
import { isWellFormedCode, normaliseCode, voucherCodeFromBytes } from '../vouchers/code.js';
import { LoyaltyService } from '../service.js';

interface Row {
  what: string;
  count: number;
  totalMs: number;
  perSecond: number;
  peer?: string;
  ratio?: number;
}

const START = Date.parse('2025-11-16T14:00:00+03:30');
const rules = parseLoyaltyRules({ earning: { returnWindowDays: 0 } });
const rows: Row[] = [];

function measure(what: string, count: number, run: (index: number) => void): Row {
  const started = performance.now();
  for (let index = 0; index < count; index++) run(index);
  const totalMs = performance.now() - started;
  const row = { what, count, totalMs, perSecond: (count / totalMs) * 1000 };
  rows.push(row);
  return row;
}

async function measureAsync(what: string, count: number, run: () => Promise<void>): Promise<Row> {
  const started = performance.now();
  await run();
  const totalMs = performance.now() - started;
  const row = { what, count, totalMs, perSecond: (count / totalMs) * 1000 };
  rows.push(row);
  return row;
}

function relate(row: Row, peer: Row): void {
  row.peer = peer.what;
  row.ratio = peer.perSecond / row.perSecond;
}

function enrol(harness: EngineHarness, members: number): void {
  for (let first = 0; first < members; first += 100) {
    const ops: Op[] = [];
    for (let index = first; index < Math.min(members, first + 100); index++) {
      ops.push({ op: 'member.create', memberId: `m${index}`, name: 'مشتری', phone: `09${String(index).padStart(9, '0')}`, smsConsent: false, storeId: 's' });
    }
    harness.apply(ops);
  }
}

function describeRatio(row: Row): string {
  if (row.ratio === undefined) return '';
  return row.ratio >= 1 ? `${row.ratio.toFixed(2)}× slower than "${row.peer}"` : `${(1 / row.ratio).toFixed(2)}× faster than "${row.peer}"`;
}

async function main(): Promise<void> {
  const members = 2000;
  const harness = new EngineHarness(START, rules);
  enrol(harness, members);
  const transfer = measure('core transfer (1 op, in memory)', 20_000, (index) => {
    harness.apply([{ op: 'transfer', debit: 'club:earned', credit: `member:m${index % members}:points`, amount: 1, unit: 'points', reason: 'bench' }]);
  });
  const purchase = measure('purchase.record (rules + 2 transfers + lot)', 20_000, (index) => {
    harness.apply([{ op: 'purchase.record', receiptId: `R${index}`, memberId: `m${index % members}`, amountRial: 1_000_000 + index * 1000, categories: [{ category: 'dairy', amountRial: 500_000 }] }]);
  });
  relate(purchase, transfer);
  for (let first = 0; first < members; first += 100) {
    const ops: Op[] = [];
    for (let index = first; index < Math.min(members, first + 100); index++) {
      const birthday = new Date(Date.UTC(1960, 0, 1) + index * 7 * 86_400_000).toISOString().slice(0, 10);
      ops.push({ op: 'member.update', memberId: `m${index}`, patch: { birthday } });
    }
    harness.apply(ops);
  }
  const occasions = measure(`occasions.run: ${members} members with birthdays (one op)`, 1, () => {
    harness.apply([{ op: 'occasions.run', asOfMs: harness.atMs }]);
  });
  occasions.perSecond = (members / occasions.totalMs) * 1000;
  occasions.what += ' [members/s]';
  harness.atMs += 400 * 86_400_000;
  const expiry = measure(`loyalty.maintain: expire ${members} members (one op)`, 1, () => {
    harness.apply([{ op: 'loyalty.maintain', asOfMs: harness.atMs }]);
  });
  expiry.perSecond = (members / expiry.totalMs) * 1000;
  expiry.what += ' [members/s]';

  const signer = Ed25519VoucherSigner.generate('kiosk-1');
  const codes = Array.from({ length: 2000 }, (_, index) => voucherCodeFromBytes(Uint8Array.from([index & 255, index >> 8, 1, 2, 3, 4, 5])));
  const payloads = codes.map((code) => signPayload({ deviceId: 'kiosk-1', code, rewardId: 'free-tea', expiresAtMs: START + 86_400_000 }, signer));
  const typed = measure('typed code check (normalise + check symbol)', 200_000, (index) => {
    if (!isWellFormedCode(normaliseCode(codes[index % codes.length]!))) throw new Error('bad code');
  });
  const qr = measure('QR payload check (grammar + Ed25519 verify)', 10_000, (index) => {
    if (!checkPayload(payloads[index % payloads.length]!, (id) => signer.publicKeyFor(id)).ok) throw new Error('bad payload');
  });
  relate(qr, typed);
  measure('QR payload signing (Ed25519)', 5_000, (index) => {
    signPayload({ deviceId: 'kiosk-1', code: codes[index % codes.length]!, rewardId: 'free-tea', expiresAtMs: START + 86_400_000 }, signer);
  });

  const dir = mkdtempSync(join(tmpdir(), 'bashgah-loyalty-bench-'));
  const logger = createLogger({ level: 'silent' });
  try {
    const ledger = await Ledger.open({ dataDir: dir, modules: [loyaltyModule as LedgerModule<unknown>], clock: new ManualClock(START), logger });
    const service = await LoyaltyService.open({ ledger, rules, signer, logger });
    await ledger.commit({ id: 'enrol', actor: { kind: 'system', id: 'bench' }, ops: [{ op: 'member.create', memberId: 'm1', name: 'مشتری', phone: '09120000001', smsConsent: false, storeId: 's' }] });
    const pos = { kind: 'pos' as const, id: 'till-1' };
    const sequential = await measureAsync('recordPurchase, durable, one at a time', 300, async () => {
      for (let index = 0; index < 300; index++) await service.recordPurchase({ memberId: 'm1', amountRial: 1_000_000, receiptId: `S${index}`, actor: pos });
    });
    const concurrent = await measureAsync('recordPurchase, durable, 300 concurrent', 300, async () => {
      await Promise.all(Array.from({ length: 300 }, (_, index) => service.recordPurchase({ memberId: 'm1', amountRial: 1_000_000, receiptId: `C${index}`, actor: pos })));
    });
    relate(concurrent, sequential);
    await ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const lines = [
    ['what', 'count', 'total ms', 'per second', 'against its peer'],
    ...rows.map((row) => [row.what, String(row.count), row.totalMs.toFixed(1), Math.round(row.perSecond).toLocaleString('en-US'), describeRatio(row)]),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  for (const line of lines) process.stdout.write(`${line.map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}\n`);
}

await main();
