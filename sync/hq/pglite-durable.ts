import { fsyncSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/**
 * PGlite on a directory, made durable. Out of the box PGlite is not: it starts postgres with
 * `-F` (fsync = off), and even with fsync on, Emscripten's NODEFS has no `fsync` stream
 * operation (so `fsync()` inside the WASM postgres is a no-op) and `fdatasync()` is a stub
 * that returns 0. Three changes make a COMMIT reach the disk before it is acknowledged:
 * 1. start parameters without `-F`, so postgres calls fsync for WAL flushes and checkpoints;
 * 2. `wal_sync_method=fsync`, so WAL flushes use fsync (which we implement) not fdatasync;
 * 3. a NODEFS `fsync` stream operation that calls the host's fsync(2) on the real file.
 * `fsyncCalls` counts host fsyncs, so a test can prove a commit performed one.
 */
export class DurableNodeFS extends NodeFS {
  fsyncCalls = 0;

  override async init(...args: Parameters<NodeFS['init']>): ReturnType<NodeFS['init']> {
    const result = await super.init(...args);
    const options = result.emscriptenOpts;
    const preRun = [...((options.preRun as unknown as Array<(module: unknown) => void>) ?? [])];
    preRun.unshift((module: unknown) => {
      const nodefs = (module as { NODEFS: { stream_ops: Record<string, unknown> } }).NODEFS;
      nodefs.stream_ops.fsync = (stream: { nfd?: number }) => {
        if (typeof stream.nfd === 'number') {
          fsyncSync(stream.nfd);
          this.fsyncCalls++;
        }
        return 0;
      };
    });
    return { emscriptenOpts: { ...options, preRun: preRun as unknown as typeof options.preRun } };
  }
}

export const durableStartParams = (): string[] => [
  ...PGlite.defaultStartParams.filter((parameter) => parameter !== '-F'),
  '-c',
  'fsync=on',
  '-c',
  'synchronous_commit=on',
  '-c',
  'wal_sync_method=fsync',
];

export async function openDurablePGlite(dataDir: string): Promise<{ pglite: PGlite; fs: DurableNodeFS }> {
  const fs = new DurableNodeFS(dataDir);
  const pglite = await PGlite.create({
    fs,
    startParams: durableStartParams(),
    // int8 (oid 20) as a JS number: sequence numbers and balances stay far below 2^53.
    parsers: { 20: (value: string) => Number(value) },
  });
  return { pglite, fs };
}
