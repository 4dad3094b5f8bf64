import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleBalanceReceipt, sampleVoucherReceipt } from './samples.js';
import { PrintSpool, SpoolFullError } from './spool.js';

let directory = '';
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'bashgah-spool-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function reopen(limits = { maxQueued: 3, maxHistory: 2 }): Promise<PrintSpool> {
  const spool = new PrintSpool(directory, limits);
  await spool.open();
  return spool;
}

describe('print spool', () => {
  it('keeps queued jobs across a restart, oldest first, and forgets them once printed', async () => {
    const spool = await reopen();
    await spool.enqueue(sampleVoucherReceipt('fa', 'a'), 1000);
    await spool.enqueue(sampleBalanceReceipt('en', 'b'), 2000);
    expect((await reopen()).queued().map((job) => job.receipt.jobId)).toEqual(['a', 'b']);
    await spool.markPrinted('a', 3000);
    const after = await reopen();
    expect(after.queued().map((job) => job.receipt.jobId)).toEqual(['b']);
    expect(after.getPrinted('a')?.printedAtMs).toBe(3000);
    expect((await readdir(join(directory, 'queue'))).filter((name) => !name.startsWith('.'))).toHaveLength(1);
  });

  it('refuses new jobs when full instead of dropping any', async () => {
    const spool = await reopen();
    for (const id of ['1', '2', '3']) await spool.enqueue(sampleBalanceReceipt('en', id), 1);
    await expect(spool.enqueue(sampleBalanceReceipt('en', '4'), 1)).rejects.toThrow(SpoolFullError);
    expect(spool.queued()).toHaveLength(3);
  });

  it('keeps a bounded history, dropping the oldest printed jobs', async () => {
    const spool = await reopen();
    for (const [index, id] of ['1', '2', '3'].entries()) {
      await spool.enqueue(sampleBalanceReceipt('en', id), index * 10);
      await spool.markPrinted(id, index * 10 + 1);
    }
    const after = await reopen();
    expect(after.getPrinted('1')).toBeUndefined();
    expect(after.getPrinted('3')).toBeDefined();
  });

  it('treats a job found in both queue and history (crash mid-bookkeeping) as printed, but keeps a later reprint', async () => {
    const spool = await reopen();
    await spool.enqueue(sampleBalanceReceipt('en', 'x'), 100);
    await spool.markPrinted('x', 200);
    await spool.enqueue(sampleBalanceReceipt('en', 'x'), 150); // a reprint, whatever the clock says
    expect((await reopen()).queued().map((job) => job.receipt.jobId)).toEqual(['x']);
    // Simulate the crash: a queue file for 'x' (same file name as its history entry) older than its printing.
    const name = (await readdir(join(directory, 'history')))[0]!;
    await writeFile(join(directory, 'queue', name), JSON.stringify({ version: 1, receipt: sampleBalanceReceipt('en', 'x'), queuedAtMs: 10 }));
    expect((await reopen()).queued()).toEqual([]);
  });

  it('sets aside unreadable files and temporary leftovers without printing them', async () => {
    const spool = await reopen();
    await spool.enqueue(sampleBalanceReceipt('en', 'good'), 1);
    await writeFile(join(directory, 'queue', 'deadbeef.json'), '{"receipt": {"jobId": 1}');
    await writeFile(join(directory, 'queue', '.half.json.tmp'), '{');
    const after = await reopen();
    expect(after.queued().map((job) => job.receipt.jobId)).toEqual(['good']);
    expect(after.corruptFiles).toHaveLength(1);
    expect((await readdir(join(directory, 'queue'))).sort()).toEqual(expect.arrayContaining(['deadbeef.json.corrupt']));
  });
});
