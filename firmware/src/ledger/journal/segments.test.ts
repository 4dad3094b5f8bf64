import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { NodeFileSystem } from '../fs/node-file-system.js';
import { ZERO_HASH, encodeFrame } from './frame.js';
import { listSegments, scanJournal, segmentName } from './segments.js';

let directory: string | undefined;
afterEach(() => {
  vi.useRealTimers();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

it('lets the event loop turn during a scan without relying on the global timers (a test may fake them)', async () => {
  directory = mkdtempSync(join(tmpdir(), 'bashgah-segments-'));
  const frames: Buffer[] = [];
  let previous: Buffer = ZERO_HASH;
  // More records than the scan replays between two turns of the event loop.
  for (let seq = 1; seq <= 5000; seq++) {
    const { frame, hash } = encodeFrame(seq, previous, Buffer.from(`{"id":"c${seq}"}`));
    frames.push(frame);
    previous = hash;
  }
  writeFileSync(join(directory, segmentName(1)), Buffer.concat(frames));
  vi.useFakeTimers();
  const fs = new NodeFileSystem();
  const seen: number[] = [];
  const result = await scanJournal(fs, await listSegments(fs, directory), { onRecord: (record) => void seen.push(record.seq), chunkBytes: 4096 });
  expect(result.records).toBe(5000);
  expect(result.lastHash).toEqual(previous);
  expect(seen).toEqual(Array.from({ length: 5000 }, (_, index) => index + 1));
}, 10_000);
