import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { AppendableFile, FileSystem } from './file-system.js';
import { isNotFound } from './file-system.js';

class NodeAppendableFile implements AppendableFile {
  private constructor(
    private readonly handle: fs.FileHandle,
    private currentSize: number,
  ) {}

  static async open(path: string): Promise<NodeAppendableFile> {
    // O_APPEND: every write lands at the end even if someone else touched the file.
    const handle = await fs.open(path, constants.O_CREAT | constants.O_WRONLY | constants.O_APPEND, 0o640);
    const { size } = await handle.stat();
    return new NodeAppendableFile(handle, size);
  }

  get size(): number {
    return this.currentSize;
  }

  async append(data: Uint8Array): Promise<void> {
    let offset = 0;
    // A regular file may accept a short write just before the disk fills: keep writing
    // until all is written or the next write fails with the real error (ENOSPC, EIO).
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
      this.currentSize += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  async truncate(length: number): Promise<void> {
    await this.handle.truncate(length);
    this.currentSize = length;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** The real file system, with the fsyncs that steno and lowdb leave out. */
export class NodeFileSystem implements FileSystem {
  async mkdir(path: string): Promise<void> {
    await fs.mkdir(path, { recursive: true, mode: 0o750 });
  }

  async list(directory: string): Promise<string[]> {
    try {
      return await fs.readdir(directory);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  readFile(path: string): Promise<Buffer> {
    return fs.readFile(path);
  }

  async fileSize(path: string): Promise<number> {
    return (await fs.stat(path)).size;
  }

  async readRange(path: string, offset: number, length: number): Promise<Buffer> {
    const handle = await fs.open(path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  openAppend(path: string): Promise<AppendableFile> {
    return NodeAppendableFile.open(path);
  }

  async writeFileSynced(path: string, data: Uint8Array): Promise<void> {
    const handle = await fs.open(path, 'w', 0o640);
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  rename(from: string, to: string): Promise<void> {
    return fs.rename(from, to);
  }

  async remove(path: string): Promise<void> {
    await fs.rm(path, { force: true });
  }

  truncate(path: string, length: number): Promise<void> {
    return fs.truncate(path, length);
  }

  async syncDirectory(path: string): Promise<void> {
    const handle = await fs.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async freeBytes(path: string): Promise<number> {
    const stats = await fs.statfs(path);
    return stats.bavail * stats.bsize;
  }
}
