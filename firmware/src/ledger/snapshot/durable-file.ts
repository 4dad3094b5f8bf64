import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { isNotFound, type FileSystem } from '../fs/file-system.js';

/**
 * lowdb adapters that survive a power cut, layered the way lowdb's own are (JSON over text
 * over an atomic writer). lowdb's writer (steno) renames a temporary file into place but never
 * fsyncs it or the directory, so after a power cut the "written" file can be empty or the
 * rename can be gone. Here: write the temporary file, fsync it, rename, fsync the directory.
 */
export class DurableTextFile implements Adapter<string> {
  constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
  ) {}

  async read(): Promise<string | null> {
    try {
      return (await this.fs.readFile(this.path)).toString('utf8');
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async write(text: string): Promise<void> {
    const directory = dirname(this.path);
    const temporary = join(directory, `.${basename(this.path)}.tmp`);
    await this.fs.writeFileSynced(temporary, Buffer.from(text, 'utf8'));
    await this.fs.rename(temporary, this.path);
    await this.fs.syncDirectory(directory);
  }
}

export class DurableJsonFile<T> implements Adapter<T> {
  private readonly text: DurableTextFile;

  constructor(fs: FileSystem, path: string) {
    this.text = new DurableTextFile(fs, path);
  }

  async read(): Promise<T | null> {
    const text = await this.text.read();
    return text === null ? null : (JSON.parse(text) as T);
  }

  write(data: T): Promise<void> {
    // Serialised before the first await, so the file holds the state as it was when
    // write() was called, whatever commits happen while the bytes go to disk.
    return this.text.write(JSON.stringify(data));
  }
}
