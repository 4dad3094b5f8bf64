import { parentPort, workerData } from 'node:worker_threads';
import type { FrameCheckWorkerData, RunToCheck } from './frame-checkers.js';
import { checkFrameRun } from './frame-runs.js';

/**
 * Checks runs of journal frames (length, CRC, hash chain) on a second core while the main
 * thread replays the runs before them. Runs come in journal order; the chain carries over.
 */
const port = parentPort!;
const start = (workerData as FrameCheckWorkerData).previousHash;
// Buffers arrive as plain Uint8Arrays: the same bytes, viewed as a Buffer again.
let previous: Buffer | undefined = start === null ? undefined : Buffer.from(start.buffer, start.byteOffset, start.byteLength);

port.on('message', (run: RunToCheck) => {
  const verdict = checkFrameRun(Buffer.from(run.bytes.buffer, run.bytes.byteOffset, run.bytes.byteLength), previous);
  previous = verdict.lastHash;
  port.postMessage(verdict);
});
