import { dirname } from 'node:path';
import type { AppendableFile, FileSystem } from '../../firmware/src/ledger/fs/file-system.js';

/**
 * An in-memory file system that behaves like a disk under a power cut, in the spirit of
 * SQLite's crash-test VFS: file contents become durable only when synced, directory entries
 * (creations, renames, removals) only when their directory is synced. `crash()` returns what
 * a machine would find after power returned: unsynced entries gone, and every file cut to its
 * synced content plus a random prefix of what was appended after it (a torn write at any byte).
 */
interface Inode {
  data: Buffer;
  synced: Buffer;
}

export class PowerLostError extends Error {
  code = 'EIO';
  constructor() {
    super('power lost');
  }
}

export { seededRandom, type Random } from './seeded-random.js';
import type { Random } from './seeded-random.js';

function notFound(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file, ${path}`), { code: 'ENOENT' });
}

export class CrashFileSystem implements FileSystem {
  private entries = new Map<string, Inode>();
  private durable = new Map<string, Inode>();
  private readonly directories = new Set<string>();
  /** Mutating operations left before the power goes; Infinity for never. */
  private operationsLeft = Number.POSITIVE_INFINITY;
  private crashedImage: CrashFileSystem | undefined;
  /** Set to make writes fail as on a full disk after this many more bytes. */
  bytesUntilFull = Number.POSITIVE_INFINITY;

  constructor(private readonly random: Random = Math.random) {}

  /** The power goes out at the n-th mutating operation from now (mid-write for appends). */
  cutPowerAfter(operations: number): void {
    this.operationsLeft = operations;
  }

  get powerLost(): boolean {
    return this.crashedImage !== undefined;
  }

  /** What survives the power cut. Valid only once the power is lost (or immediately, to cut now). */
  crash(): CrashFileSystem {
    this.crashedImage ??= this.image();
    return this.crashedImage;
  }

  private image(): CrashFileSystem {
    const after = new CrashFileSystem(this.random);
    for (const directory of this.directories) after.directories.add(directory);
    const survivors = new Map<Inode, Inode>();
    for (const [path, inode] of this.durable) {
      let survivor = survivors.get(inode);
      if (!survivor) {
        const content = this.survivingContent(inode);
        survivor = { data: content, synced: Buffer.from(content) };
        survivors.set(inode, survivor);
      }
      after.entries.set(path, survivor);
      after.durable.set(path, survivor);
    }
    return after;
  }

  private survivingContent(inode: Inode): Buffer {
    const { data, synced } = inode;
    if (data.length >= synced.length && data.subarray(0, synced.length).equals(synced)) {
      // Appended after the last sync: any prefix of the new bytes may have reached the card.
      const kept = synced.length + Math.floor(this.random() * (data.length - synced.length + 1));
      return Buffer.from(data.subarray(0, kept));
    }
    return Buffer.from(this.random() < 0.5 ? synced : data);
  }

  private step(): void {
    if (this.crashedImage) throw new PowerLostError();
    this.operationsLeft--;
    if (this.operationsLeft <= 0) {
      this.crashedImage = this.image();
      throw new PowerLostError();
    }
  }

  private inode(path: string): Inode {
    const inode = this.entries.get(path);
    if (!inode) throw notFound(path);
    return inode;
  }

  async mkdir(path: string): Promise<void> {
    this.directories.add(path);
  }

  async list(directory: string): Promise<string[]> {
    const prefix = `${directory}/`;
    return [...this.entries.keys()].filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/')).map((path) => path.slice(prefix.length));
  }

  async readFile(path: string): Promise<Buffer> {
    return Buffer.from(this.inode(path).data);
  }

  async readRange(path: string, offset: number, length: number): Promise<Buffer> {
    return Buffer.from(this.inode(path).data.subarray(offset, offset + length));
  }

  async openAppend(path: string): Promise<AppendableFile> {
    if (this.crashedImage) throw new PowerLostError();
    if (!this.entries.has(path)) this.entries.set(path, { data: Buffer.alloc(0), synced: Buffer.alloc(0) });
    const inode = this.inode(path);
    const fs = this;
    return {
      get size() {
        return inode.data.length;
      },
      async append(bytes: Uint8Array) {
        if (fs.crashedImage) throw new PowerLostError();
        fs.operationsLeft--;
        const room = fs.bytesUntilFull;
        const written = Math.min(room, bytes.length);
        // Written bytes are in the file (not yet durable) even if the power goes mid-write.
        inode.data = Buffer.concat([inode.data, bytes.subarray(0, written)]);
        fs.bytesUntilFull -= written;
        if (fs.operationsLeft <= 0) {
          fs.crashedImage = fs.image();
          throw new PowerLostError();
        }
        if (written < bytes.length) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
      async sync() {
        fs.step();
        inode.synced = Buffer.from(inode.data);
      },
      async truncate(length: number) {
        fs.step();
        inode.data = Buffer.from(inode.data.subarray(0, length));
      },
      async close() {},
    };
  }

  async writeFileSynced(path: string, data: Uint8Array): Promise<void> {
    this.step();
    if (this.bytesUntilFull < data.length) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    this.bytesUntilFull -= data.length;
    const content = Buffer.from(data);
    this.entries.set(path, { data: content, synced: Buffer.from(content) });
  }

  async rename(from: string, to: string): Promise<void> {
    this.step();
    this.entries.set(to, this.inode(from));
    this.entries.delete(from);
  }

  async remove(path: string): Promise<void> {
    this.step();
    this.entries.delete(path);
  }

  async truncate(path: string, length: number): Promise<void> {
    this.step();
    const inode = this.inode(path);
    inode.data = Buffer.from(inode.data.subarray(0, length));
    // truncate(2) by path then the caller syncs the directory; treat the size as synced with it.
    inode.synced = Buffer.from(inode.data);
  }

  async syncDirectory(directory: string): Promise<void> {
    this.step();
    for (const path of [...this.durable.keys()]) if (dirname(path) === directory && !this.entries.has(path)) this.durable.delete(path);
    for (const [path, inode] of this.entries) if (dirname(path) === directory) this.durable.set(path, inode);
  }

  /** Raw access for corruption tests. */
  poke(path: string, mutate: (data: Buffer) => Buffer): void {
    const inode = this.inode(path);
    inode.data = mutate(Buffer.from(inode.data));
    inode.synced = Buffer.from(inode.data);
  }
}
