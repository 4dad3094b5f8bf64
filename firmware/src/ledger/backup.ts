import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { NodeFileSystem } from './fs/node-file-system.js';
import { checkFrame } from './journal/frame.js';
import { listSegments } from './journal/segments.js';
import { verifyJournal, type VerifyReport } from './journal/verify.js';
import { acquireLedgerLock } from './lock.js';
import { journalDirectory, snapshotPath } from './paths.js';

const run = promisify(execFile);

/** Written into every backup: what it holds, and the checksums restore verifies. */
export interface BackupManifest {
  format: 1;
  createdAtMs: number;
  deviceId: string;
  lastSeq: number | null;
  snapshotSeq: number | null;
  /** File (relative to the ledger directory) → SHA-256 hex. */
  files: Record<string, string>;
}

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Whole records only: a segment being appended to may end in a record still being written,
 * which belongs to the next backup, not this one.
 */
function completeRecords(data: Buffer): Buffer {
  let offset = 0;
  for (;;) {
    const length = checkFrame(data, offset);
    if (typeof length !== 'number') return data.subarray(0, offset);
    offset += length;
  }
}

/**
 * Copies a consistent ledger (the snapshot, then every journal segment up to its last whole
 * record) into a tar.gz file, with a manifest of checksums. It works while the service runs:
 * the snapshot is replaced atomically and segments only grow, so the copy is the state as of
 * its last record. If compaction removes a segment mid-copy, the copy is taken again.
 */
export async function backupLedger(ledgerDir: string, destination: string, deviceId: string, nowMs: number): Promise<BackupResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const staging = mkdtempSync(join(dirname(destination), '.bashgah-backup-'));
    try {
      const manifest = stage(ledgerDir, staging, deviceId, nowMs);
      if (!manifest) continue;
      const report = await verifyJournal(new NodeFileSystem(), staging);
      if (!report.ok) throw new Error(`the ledger is damaged (${report.damage?.reason}); run bashgah journal verify`);
      manifest.lastSeq = report.lastSeq;
      manifest.snapshotSeq = report.snapshotSeq;
      writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const temporary = `${destination}.partial`;
      await run('tar', ['-czf', temporary, '-C', staging, '.']);
      renameSync(temporary, destination);
      return { file: destination, manifest };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  throw new Error('the ledger kept changing under the backup (compaction); try again');
}

function stage(ledgerDir: string, staging: string, deviceId: string, nowMs: number): BackupManifest | undefined {
  const manifest: BackupManifest = { format: 1, createdAtMs: nowMs, deviceId, lastSeq: null, snapshotSeq: null, files: {} };
  const journal = journalDirectory(ledgerDir);
  const names = existsSync(journal) ? readdirSync(journal).filter((name) => name.endsWith('.journal')).sort() : [];
  mkdirSync(journalDirectory(staging), { recursive: true });
  if (existsSync(snapshotPath(ledgerDir))) {
    copyFileSync(snapshotPath(ledgerDir), snapshotPath(staging));
    manifest.files['snapshot.json'] = sha256(readFileSync(snapshotPath(staging)));
  }
  for (const name of names) {
    let data: Buffer;
    try {
      data = completeRecords(readFileSync(join(journal, name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // compacted meanwhile
      throw error;
    }
    writeFileSync(join(journalDirectory(staging), name), data);
    manifest.files[`journal/${name}`] = sha256(data);
  }
  return manifest;
}

export interface RestoreResult {
  manifest: BackupManifest;
  report: VerifyReport;
  /** Where the ledger that was there before went (nothing is deleted). */
  previousKeptIn?: string;
}

/**
 * Puts a backup in place of the ledger. Checks every checksum and the journal's chain before
 * touching anything; refuses while the service holds the ledger; keeps the ledger that was
 * there in `<ledger>.before-restore-<time>`.
 */
export async function restoreLedger(ledgerDir: string, backupFile: string, nowMs: number): Promise<RestoreResult> {
  const parent = dirname(ledgerDir);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, '.bashgah-restore-'));
  try {
    await run('tar', ['-xzf', backupFile, '-C', staging, '--no-same-owner']);
    const manifest = JSON.parse(readFileSync(join(staging, 'manifest.json'), 'utf8')) as BackupManifest;
    if (manifest.format !== 1) throw new Error(`backup format ${String(manifest.format)} is not supported`);
    for (const [file, expected] of Object.entries(manifest.files)) {
      if (file.includes('..')) throw new Error(`backup names a file outside the ledger: ${file}`);
      const path = join(staging, file);
      if (!existsSync(path) || sha256(readFileSync(path)) !== expected) throw new Error(`backup file ${file} is missing or damaged (checksum)`);
    }
    const segments = await listSegments(new NodeFileSystem(), journalDirectory(staging));
    if (segments.length !== Object.keys(manifest.files).filter((f) => f.startsWith('journal/')).length) {
      throw new Error('the backup holds journal files its manifest does not list');
    }
    const report = await verifyJournal(new NodeFileSystem(), staging);
    if (!report.ok) throw new Error(`the backup's journal is damaged: ${report.damage?.reason}`);
    rmSync(join(staging, 'manifest.json'));
    let previousKeptIn: string | undefined;
    if (existsSync(ledgerDir)) {
      const release = acquireLedgerLock(ledgerDir);
      release();
      previousKeptIn = `${ledgerDir}.before-restore-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
      renameSync(ledgerDir, previousKeptIn);
    }
    renameSync(staging, ledgerDir);
    return { manifest, report, ...(previousKeptIn !== undefined && { previousKeptIn }) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function defaultBackupName(deviceId: string, nowMs: number): string {
  return `bashgah-${basename(deviceId)}-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}
