import { parentPort, workerData } from 'node:worker_threads';
import { replayPurchases } from './replay.js';
import type { ReplayJob } from './replay-runner.js';

/** One replay on its own thread: the head office keeps answering kiosks while it runs. */
const job = workerData as ReplayJob;
parentPort!.postMessage(replayPurchases(job.rules, { purchases: job.purchases, members: new Map(job.members), voidedReceipts: 0 }));
