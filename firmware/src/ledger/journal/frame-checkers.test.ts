import { describe, expect, it } from 'vitest';
import { InlineFrameChecker, WorkerFrameChecker, type FrameChecker } from './frame-checkers.js';
import { checkFrameRun } from './frame-runs.js';
import { ZERO_HASH, encodeFrame, hashFrame } from './frame.js';

/** `count` chained frames from `firstSeq`, payloads of varied sizes; with the hash of the last. */
function frames(firstSeq: number, count: number, previous: Buffer): { bytes: Buffer; starts: number[]; last: Buffer } {
  const parts: Buffer[] = [];
  const starts: number[] = [];
  let offset = 0;
  let hash = previous;
  for (let seq = firstSeq; seq < firstSeq + count; seq++) {
    const { frame, hash: next } = encodeFrame(seq, hash, Buffer.alloc(1 + ((seq * 37) % 300), seq));
    parts.push(frame);
    starts.push(offset);
    offset += frame.length;
    hash = next;
  }
  return { bytes: Buffer.concat(parts), starts, last: hash };
}

describe('checkFrameRun', () => {
  it('carries the chain across runs and ends on the hash of the last sound frame', () => {
    const first = frames(1, 20, ZERO_HASH);
    const verdict = checkFrameRun(first.bytes, undefined);
    expect(verdict).toEqual({ end: first.bytes.length, problem: undefined, lastHash: first.last });
    const second = frames(21, 5, first.last);
    expect(checkFrameRun(second.bytes, verdict.lastHash).lastHash).toEqual(second.last);
    // A run that does not follow from the hash it is given stops at its first frame.
    expect(checkFrameRun(second.bytes, hashFrame(Buffer.from('other')))).toEqual({ end: 0, problem: 'chain', lastHash: hashFrame(Buffer.from('other')) });
  });

  it('stops at the first damaged frame or broken link, with the hash of the frame before it', () => {
    const run = frames(1, 10, ZERO_HASH);
    const damaged = Buffer.from(run.bytes);
    damaged[run.starts[6]! + 60]! ^= 1;
    const beforeSix = checkFrameRun(run.bytes.subarray(0, run.starts[6]), undefined).lastHash;
    expect(checkFrameRun(damaged, undefined)).toEqual({ end: run.starts[6], problem: 'bad-checksum', lastHash: beforeSix });
    // Frame 4 replaced by a frame that is sound in itself but names another previous hash.
    const forged = encodeFrame(4, Buffer.alloc(32, 7), Buffer.alloc(1 + ((4 * 37) % 300), 4)).frame;
    const relinked = Buffer.concat([run.bytes.subarray(0, run.starts[3]), forged, run.bytes.subarray(run.starts[4])]);
    const beforeFour = checkFrameRun(run.bytes.subarray(0, run.starts[3]), undefined).lastHash;
    expect(checkFrameRun(relinked, undefined)).toEqual({ end: run.starts[3], problem: 'chain', lastHash: beforeFour });
  });
});

describe('WorkerFrameChecker', () => {
  it('gives the same verdicts as checking in line, over many runs of changing size (reusing its shared buffers)', async () => {
    const runs: Buffer[] = [];
    let previous: Buffer = ZERO_HASH;
    let seq = 1;
    // Small and large runs alternating: a later run is often larger than the buffer an earlier one left.
    for (const count of [3, 40, 1, 2500, 7, 4000, 10, 3000]) {
      const run = frames(seq, count, previous);
      runs.push(run.bytes);
      previous = run.last;
      seq += count;
    }
    // The last run damaged half way through.
    const last = Buffer.from(runs.at(-1)!);
    last[Math.floor(last.length / 2)]! ^= 0x40;
    runs[runs.length - 1] = last;
    const verdicts = async (checker: FrameChecker) => {
      try {
        // Two in flight at a time, as the scanner's read-ahead has them: buffers come back
        // and are reused between pairs, never while their run is being checked.
        const all = [];
        for (let index = 0; index < runs.length; index += 2) all.push(...(await Promise.all(runs.slice(index, index + 2).map((run) => checker.check(run)))));
        return all;
      } finally {
        await checker.close();
      }
    };
    const inline = await verdicts(new InlineFrameChecker(undefined));
    expect(inline.at(-1)!.problem).toBe('bad-checksum');
    expect(await verdicts(new WorkerFrameChecker(undefined))).toEqual(inline);
  });
});
