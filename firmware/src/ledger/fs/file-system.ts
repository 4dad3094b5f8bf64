/**
 * The file operations the ledger needs, and nothing more. The journal and the snapshot go
 * through this interface so that tests can substitute a file system that loses unsynced data
 * and tears writes at any byte, the way a power cut does on an SD card.
 */
export interface AppendableFile {
  /** Current size in bytes, including appended data not yet synced. */
  readonly size: number;
  /** Appends all of `data` at the end, or throws (ENOSPC, EIO): a failed append may leave part of it. */
  append(data: Uint8Array): Promise<void>;
  /** Makes everything appended so far durable (fdatasync). */
  sync(): Promise<void>;
  /** Cuts the file back to `length` bytes (used to undo a failed append). */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface FileSystem {
  mkdir(path: string): Promise<void>;
  /** Names (not paths) of the entries in a directory; [] when it does not exist. */
  list(directory: string): Promise<string[]>;
  /** Whole file; throws an error with code ENOENT when it does not exist. */
  readFile(path: string): Promise<Buffer>;
  /** `length` bytes from `offset`; fewer at the end of the file. */
  readRange(path: string, offset: number, length: number): Promise<Buffer>;
  /** Opens (creating if needed) a file for appending. */
  openAppend(path: string): Promise<AppendableFile>;
  /** Creates or replaces a file with `data` and syncs it (not its directory entry). */
  writeFileSynced(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
  /** Makes the directory's entries (creations, renames, removals) durable. */
  syncDirectory(path: string): Promise<void>;
  /** Bytes free for this process on the file system holding `path`, when known. */
  freeBytes?(path: string): Promise<number>;
  /** A file's size in bytes, when known (a hint for sizing tables before a replay). */
  fileSize?(path: string): Promise<number>;
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
