import { join } from 'node:path';
import type { FileSystem } from '../fs/file-system.js';
import { isNotFound } from '../fs/file-system.js';
import { journalDirectory, snapshotPath } from '../paths.js';
import type { SnapshotData } from '../recovery.js';
import { checkFrame } from './frame.js';
import { JournalCorruptError, listSegments, scanJournal, type Segment } from './segments.js';

export interface SegmentSummary {
  name: string;
  firstSeq: number;
  records: number;
}

export interface VerifyReport {
  ok: boolean;
  snapshotSeq: number | null;
  segments: SegmentSummary[];
  records: number;
  lastSeq: number | null;
  /** An interrupted last write: harmless, cut at the next start. */
  tornTail?: { file: string; offset: number; bytes: number };
  /** Damage that stops the service from starting. */
  damage?: { file: string; offset: number; reason: string };
}

async function readSnapshot(fs: FileSystem, ledgerDir: string): Promise<SnapshotData | null> {
  try {
    return JSON.parse((await fs.readFile(snapshotPath(ledgerDir))).toString('utf8')) as SnapshotData;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw new JournalCorruptError(snapshotPath(ledgerDir), 0, `the snapshot is unreadable (${(error as Error).message})`);
  }
}

/** Reads the whole journal without changing anything and says what state it is in. */
export async function verifyJournal(fs: FileSystem, ledgerDir: string): Promise<VerifyReport> {
  const segments = await listSegments(fs, journalDirectory(ledgerDir));
  const summaries = new Map<string, SegmentSummary>(segments.map((s) => [s.name, { name: s.name, firstSeq: s.firstSeq, records: 0 }]));
  const report: VerifyReport = { ok: true, snapshotSeq: null, segments: [...summaries.values()], records: 0, lastSeq: null };
  try {
    const snapshot = await readSnapshot(fs, ledgerDir);
    report.snapshotSeq = snapshot?.seq ?? null;
    const result = await scanJournal(fs, segments, {
      onRecord(record) {
        summaries.get(record.segment.name)!.records++;
      },
    });
    report.records = result.records;
    report.lastSeq = result.lastSeq ?? null;
    if (result.tornTail) report.tornTail = { file: result.tornTail.segment.path, offset: result.tornTail.offset, bytes: result.tornTail.bytes };
  } catch (error) {
    if (!(error instanceof JournalCorruptError)) throw error;
    report.ok = false;
    report.damage = { file: error.file, offset: error.offset, reason: error.reason };
  }
  return report;
}

export interface RepairReport {
  /** What was wrong before the repair. */
  before: VerifyReport;
  /** Where the removed bytes were kept. */
  keptIn?: string;
  removedBytes: number;
  /** Whole records removed because they came after the damage (readable, but unchainable). */
  removedRecords: number;
  after: VerifyReport;
}

/**
 * Cuts the journal back to its last trustworthy record. A torn tail is cut; damage in the
 * middle is cut together with everything after it (the hash chain cannot be trusted past
 * it). Every removed byte is first copied into `journal/removed-<time>/`, so nothing is lost:
 * the head office may hold the same records and can send them back.
 */
export async function repairJournal(fs: FileSystem, ledgerDir: string, nowMs: number): Promise<RepairReport> {
  const before = await verifyJournal(fs, ledgerDir);
  const cut = before.damage ?? before.tornTail;
  if (!cut) return { before, removedBytes: 0, removedRecords: 0, after: before };
  const directory = journalDirectory(ledgerDir);
  const keptIn = join(directory, `removed-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`);
  await fs.mkdir(keptIn);
  const segments = await listSegments(fs, directory);
  const damaged = segments.findIndex((segment) => segment.path === cut.file);
  let removedBytes = 0;
  let removedRecords = 0;
  const affected: Segment[] = damaged >= 0 ? segments.slice(damaged) : [];
  for (const [index, segment] of affected.entries()) {
    const data = await fs.readFile(segment.path);
    const from = index === 0 ? cut.offset : 0;
    const removed = data.subarray(from);
    removedRecords += countReadableRecords(removed, index === 0);
    removedBytes += removed.length;
    await fs.writeFileSynced(join(keptIn, `${segment.name}.from-${from}`), removed);
  }
  await fs.syncDirectory(keptIn);
  await fs.syncDirectory(directory);
  for (const [index, segment] of affected.entries()) {
    if (index === 0) await fs.truncate(segment.path, cut.offset);
    else await fs.remove(segment.path);
  }
  await fs.syncDirectory(directory);
  return { before, keptIn, removedBytes, removedRecords, after: await verifyJournal(fs, ledgerDir) };
}

/** Counts whole records in a run of bytes, skipping the damaged one at the start. */
function countReadableRecords(bytes: Buffer, startsDamaged: boolean): number {
  let count = 0;
  let offset = 0;
  if (startsDamaged) {
    for (offset = 1; offset < bytes.length && typeof checkFrame(bytes, offset) === 'string'; offset++);
  }
  while (offset < bytes.length) {
    const length = checkFrame(bytes, offset);
    if (typeof length === 'string') break;
    count++;
    offset += length;
  }
  return count;
}
