import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson, fingerprintOf } from '../../firmware/src/ledger/canonical.js';
import { coreModule } from '../../firmware/src/ledger/core-module.js';
import { LedgerEngine } from '../../firmware/src/ledger/engine.js';
import { encodeFrame, ZERO_HASH } from '../../firmware/src/ledger/journal/frame.js';
import { encodeRecord, encodeRecordJson } from '../../firmware/src/ledger/journal/record-codec.js';
import { segmentName } from '../../firmware/src/ledger/journal/segments.js';
import type { LedgerModule } from '../../firmware/src/ledger/module.js';
import { journalDirectory } from '../../firmware/src/ledger/paths.js';
import { clubAccount, memberAccount, type CommitRecord, type Op } from '../../firmware/src/ledger/types.js';
import type { OpenMode, OpenResult } from './ledger-open.js';

/**
 * The recovery part of the ledger benchmark: a journal of `records` records written as the
 * ledger writes them (each applied by the real engine, so it carries its results and
 * postings; operations stored as canonical JSON), in the compact format and in format 1
 * (JSON payloads, as every journal before the compact form), then each opened in a fresh
 * process (ledger-open.ts), so peak memory is the open's own.
 */
const at = Date.UTC(2026, 10, 23);
const MEMBERS = 1000;

function writeJournals(compactDir: string, jsonDir: string, records: number): { compactBytes: number; jsonBytes: number } {
  const engine = new LedgerEngine([coreModule as LedgerModule<unknown>]);
  const compact: Buffer[] = [];
  const json: Buffer[] = [];
  let compactHash: Buffer = ZERO_HASH;
  let jsonHash: Buffer = ZERO_HASH;
  const earnOps = Array.from({ length: MEMBERS }, (_, i) => canonicalJson([{ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount(`m${i}`), amount: 1, unit: 'points', reason: 'earn' }]));
  const fingerprints = earnOps.map(fingerprintOf);
  for (let seq = 1; seq <= records; seq++) {
    const member = seq % MEMBERS;
    const enrol = seq <= MEMBERS;
    const canonical = enrol
      ? canonicalJson([{ op: 'member.create', memberId: `m${member}`, name: 'عضو', phone: `09${String(member).padStart(9, '0')}`, smsConsent: false, storeId: 's1' }])
      : earnOps[member]!;
    const fingerprint = enrol ? fingerprintOf(canonical) : fingerprints[member]!;
    const record: CommitRecord = { id: `r${seq}`, actor: { kind: 'pos', id: 'bench' }, at: { atMs: at + seq, clockSynced: true }, ops: JSON.parse(canonical) as Op[], fingerprint };
    const { results, postings } = engine.apply(record, seq, fingerprint);
    record.results = results;
    if (postings.length > 0) record.postings = postings.map(({ at: _at, ...posting }) => posting);
    const a = encodeFrame(seq, compactHash, encodeRecord(record));
    const b = encodeFrame(seq, jsonHash, encodeRecordJson(record));
    compact.push(a.frame);
    json.push(b.frame);
    compactHash = a.hash;
    jsonHash = b.hash;
  }
  const write = (dir: string, frames: Buffer[]) => {
    mkdirSync(journalDirectory(dir), { recursive: true });
    const bytes = Buffer.concat(frames);
    writeFileSync(join(journalDirectory(dir), segmentName(1)), bytes);
    return bytes.length;
  };
  return { compactBytes: write(compactDir, compact), jsonBytes: write(jsonDir, json) };
}

function open(dir: string, mode: OpenMode, records: number): OpenResult {
  const script = fileURLToPath(new URL('./ledger-open.js', import.meta.url));
  const output = execFileSync(process.execPath, [...process.execArgv, script, dir, mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const result = JSON.parse(output) as OpenResult;
  if (result.lastSeq !== records) throw new Error(`recovered ${result.lastSeq} of ${records} records`);
  return result;
}

/** Markdown table lines: each journal opened in its own process. */
export function recoveryTable(root: string, records: number): string[] {
  const compactDir = join(root, 'recovery-compact');
  const jsonDir = join(root, 'recovery-json');
  for (const dir of [compactDir, jsonDir]) rmSync(dir, { recursive: true, force: true });
  const { compactBytes, jsonBytes } = writeJournals(compactDir, jsonDir, records);
  const rows: Array<[string, number, OpenResult]> = [
    ['format 1 (JSON payloads): Ledger.open', jsonBytes, open(jsonDir, 'ledger', records)],
    ['compact: Ledger.open', compactBytes, open(compactDir, 'ledger', records)],
    ['compact: replay only, checks on a worker thread', compactBytes, open(compactDir, 'worker', records)],
    ['compact: replay only, checks on the main thread', compactBytes, open(compactDir, 'inline', records)],
  ];
  const baseline = rows[0]![2].seconds;
  const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines = [
    `| recovery of ${fmt(records)} records | journal MiB | seconds | records/s | CPU s | peak RSS MiB | speed-up vs format 1 |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, bytes, result] of rows) {
    lines.push(`| ${name} | ${fmt(bytes / 2 ** 20)} | ${fmt(result.seconds, 2)} | ${fmt(records / result.seconds)} | ${fmt(result.cpuSeconds, 2)} | ${fmt(result.peakRssMiB)} | ${fmt(baseline / result.seconds, 2)}x |`);
  }
  for (const dir of [compactDir, jsonDir]) rmSync(dir, { recursive: true, force: true });
  return lines;
}
