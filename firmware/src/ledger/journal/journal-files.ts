import { join } from 'node:path';
import type { AppendableFile, FileSystem } from '../fs/file-system.js';
import type { SegmentIndex } from '../recovery.js';
import { readJournalRange, type JournalEntry } from './reader.js';
import { listSegments, segmentName } from './segments.js';

/**
 * The journal's files: the segment being appended to, and where every durable record sits.
 * It knows bytes and segments, not commits: the Ledger decides what to write and when a
 * record counts as durable.
 */
export class JournalFiles {
  private current!: AppendableFile;

  private constructor(
    private readonly fs: FileSystem,
    private readonly directory: string,
    private index: SegmentIndex[],
  ) {}

  /** Continues the last recovered segment, or starts the first one at `nextSeq`. */
  static async open(fs: FileSystem, directory: string, recovered: SegmentIndex[], nextSeq: number): Promise<JournalFiles> {
    const files = new JournalFiles(fs, directory, recovered);
    const last = recovered.at(-1);
    if (last) files.current = await fs.openAppend(last.segment.path);
    else await files.startSegment(nextSeq);
    return files;
  }

  get size(): number {
    return this.current.size;
  }

  /** Appends and fsyncs; on failure the caller truncates back to `size` as it was. */
  async appendDurably(bytes: Buffer): Promise<void> {
    await this.current.append(bytes);
    await this.current.sync();
  }

  truncate(length: number): Promise<void> {
    return this.current.truncate(length);
  }

  /** Records where the frames just made durable start, so they can be read back by range. */
  indexDurable(startOffset: number, frameLengths: number[]): void {
    const segment = this.index.at(-1)!;
    let offset = startOffset;
    for (const length of frameLengths) {
      segment.offsets.push(offset);
      offset += length;
    }
    segment.endOffset = offset;
  }

  read(afterSeq: number, limit: number, lastSeq: number): Promise<JournalEntry[]> {
    return readJournalRange(this.fs, this.index, afterSeq, limit, lastSeq);
  }

  /** Starts a new segment whose first record will be `firstSeq` (unless the current one is empty). */
  async startSegment(firstSeq: number): Promise<void> {
    const last = this.index.at(-1);
    if (last && last.offsets.length === 0) return;
    const path = join(this.directory, segmentName(firstSeq));
    const file = await this.fs.openAppend(path);
    // The new file's directory entry must be durable before any record in it is acknowledged.
    await this.fs.syncDirectory(this.directory);
    const previous = this.current as AppendableFile | undefined;
    this.current = file;
    this.index.push({ segment: { name: segmentName(firstSeq), path, firstSeq }, offsets: [], endOffset: 0 });
    await previous?.close();
  }

  /** Deletes every segment whose records all come before `keepFrom`. */
  async compact(keepFrom: number): Promise<void> {
    const removable = this.index.filter((entry, i) => {
      const next = this.index[i + 1];
      return next !== undefined && next.segment.firstSeq - 1 < keepFrom;
    });
    for (const entry of removable) await this.fs.remove(entry.segment.path);
    if (removable.length > 0) {
      await this.fs.syncDirectory(this.directory);
      this.index = this.index.filter((entry) => !removable.includes(entry));
    }
  }

  async names(): Promise<string[]> {
    return (await listSegments(this.fs, this.directory)).map((segment) => segment.name);
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
