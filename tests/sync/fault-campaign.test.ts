import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncAgent } from '../../sync/agent/agent.js';
import { backoffDelayMs } from '../../sync/agent/backoff.js';
import { SyncAgentConfigSchema, type SyncAgentConfig } from '../../sync/agent/config.js';
import { parseMessage } from '../../sync/protocol/validate.js';
import { FaultProxy } from './support/fault-proxy.js';
import { listenHq, openBackend, provision, stopPostgres, type Backend, type RunningHq } from './support/hq.js';
import { MemoryLedger } from './support/memory-ledger.js';
import { newExpected, seededRandom, writeStoreDay, type Expected } from './support/records.js';

/**
 * The fault campaign: in each seeded run two or three kiosks write a store day into their
 * journals (some of it while syncing) and push it through a proxy that drops, delays,
 * duplicates and reorders requests, answers 500, loses answers and sometimes restarts the
 * head office. At the end the head office must hold exactly the union of the kiosks'
 * journals, each record once, with balances equal to what the kiosks computed.
 * BASHGAH_FAULT_RUNS sets the number of runs (default 1000); BASHGAH_FAULT_SEED the first seed.
 */
const RUNS = Number(process.env.BASHGAH_FAULT_RUNS ?? 1000);
const FIRST_SEED = Number(process.env.BASHGAH_FAULT_SEED ?? 1);
/** Runs in flight at once: they use separate devices, and overlap the kiosks' CPU with the database's. */
const CONCURRENCY = Number(process.env.BASHGAH_FAULT_CONCURRENCY ?? 4);
const randomByDevice = new Map<string, () => number>();
const ATTEMPTS_MAX = 400;
const BACKOFF = { initialMs: 1, maxMs: 4, jitter: 0.5 };
const scratchRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

describe('fault campaign on PostgreSQL', () => {
  let backend: Backend;
  let hq: RunningHq | undefined;
  let proxy: FaultProxy;
  let proxyUrl: string;
  let scratch: string;

  beforeAll(async () => {
    backend = await openBackend('postgres');
    hq = await listenHq(backend.db);
    proxy = new FaultProxy(() => hq?.url ?? null);
    proxy.randomFor = (deviceId) => (deviceId && randomByDevice.get(deviceId)) || Math.random;
    proxyUrl = await proxy.start();
    scratch = mkdtempSync(join(scratchRoot, 'bashgah-faults-'));
  });
  afterAll(async () => {
    await proxy?.stop();
    await hq?.close();
    await backend?.close();
    await stopPostgres();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  let restarting: Promise<void> | undefined;
  async function restartHq(): Promise<void> {
    if (restarting) return restarting;
    restarting = restartNow().finally(() => (restarting = undefined));
    return restarting;
  }
  async function restartNow(): Promise<void> {
    const old = hq;
    hq = undefined;
    await old?.close();
    hq = await listenHq(backend.db);
  }

  async function runOnce(seed: number): Promise<string | null> {
    const random = seededRandom(seed);
    if (process.env.FAULT_WEIGHTS) proxy.weights = JSON.parse(process.env.FAULT_WEIGHTS);
    const kiosks = random() < 0.7 ? 2 : 3;
    const expected: Expected = newExpected();
    const config: SyncAgentConfig = parseMessage(SyncAgentConfigSchema, { enabled: true, headOfficeUrl: proxyUrl, pushBatchRecords: 2 + Math.floor(random() * 6), requestTimeoutSeconds: 5 }, 'config');
    const sides = await Promise.all(
      Array.from({ length: kiosks }, async (_, index) => {
        const deviceId = `r${seed}-k${index}`;
        const proxyRandom = seededRandom(seed * 31 + index);
        randomByDevice.set(deviceId, proxyRandom);
        const storeId = `s${seed}-${index}`;
        while (!hq) await restarting;
        const identity = await provision(hq.app, deviceId, storeId);
        const ledger = new MemoryLedger();
        const dataDir = mkdtempSync(join(scratch, `${deviceId}-`));
        const agent = await SyncAgent.open({ config, identity, ledger, dataDir, random });
        writeStoreDay(ledger, { prefix: deviceId, storeId, commits: 2 + Math.floor(random() * 7), random, expected });
        return { deviceId, ledger, agent, dataDir, laterCommits: Math.floor(random() * 3) };
      }),
    );
    const restartAt = random() < 0.1 ? 1 + Math.floor(random() * 6) : -1;
    let attemptsTotal = 0;
    await Promise.all(
      sides.map(async (side) => {
        for (let attempt = 1, failures = 0; ; attempt++) {
          if (attempt > ATTEMPTS_MAX) throw new Error(`${side.deviceId} did not converge`);
          if (++attemptsTotal === restartAt) {
            await restartHq();
          }
          if (side.laterCommits > 0 && random() < 0.3) {
            side.laterCommits--;
            writeStoreDay(side.ledger, { prefix: `${side.deviceId}x${side.laterCommits}`, storeId: `s${seed}`, commits: 1 + Math.floor(random() * 3), random, expected });
          }
          try {
            await side.agent.syncOnce();
            failures = 0;
            if (side.agent.highWaterMark === side.ledger.lastSeq && side.laterCommits === 0) return;
          } catch (error) {
            if (process.env.DEBUG_FAULTS) console.log(side.deviceId, attempt, (error as Error).message);
            await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(++failures, BACKOFF, random)));
          }
          side.ledger.compact(); // compaction runs under load too: it must never drop unsynced records
        }
      }),
    );
    try {
      return await verify(seed, sides, expected);
    } finally {
      for (const side of sides) {
        randomByDevice.delete(side.deviceId);
        rmSync(side.dataDir, { recursive: true, force: true });
      }
    }
  }

  async function verify(seed: number, sides: Array<{ deviceId: string; ledger: MemoryLedger }>, expected: Expected): Promise<string | null> {
    const deviceIds = sides.map((side) => side.deviceId);
    const stored = await backend.db.query<{ device_id: string; seq: number; hash: string }>(
      'SELECT device_id, seq, hash FROM journal WHERE device_id = ANY($1::text[]) ORDER BY device_id, seq',
      [deviceIds],
    );
    const want = sides
      .flatMap((side) => side.ledger.written().map((entry) => `${side.deviceId}/${entry.seq}/${entry.hash}`))
      .sort();
    const got = stored.rows.map((row) => `${row.device_id}/${row.seq}/${row.hash}`).sort();
    if (got.length !== want.length || got.some((key, index) => key !== want[index])) return `seed ${seed}: journal differs (${got.length} stored, ${want.length} written)`;
    const members = [...expected.members];
    const balances = await backend.db.query<{ member_id: string; balance: number }>(
      `SELECT member_id, balance FROM balances WHERE member_id = ANY($1::text[]) AND account LIKE '%:points'`,
      [members],
    );
    for (const member of members) {
      const balance = balances.rows.find((row) => row.member_id === member)?.balance ?? 0;
      if (balance !== (expected.pointsByMember.get(member) ?? 0)) return `seed ${seed}: ${member} has ${balance}, expected ${expected.pointsByMember.get(member) ?? 0}`;
    }
    const counts = (await backend.db.query<{ transfers: number; unapplied: number; conflicts: number; members: number }>(
      `SELECT (SELECT count(*) FROM transfers WHERE device_id = ANY($1::text[])) AS transfers,
              (SELECT count(*) FROM unapplied_ops WHERE device_id = ANY($1::text[])) AS unapplied,
              (SELECT count(*) FROM conflicts WHERE device_id = ANY($1::text[])) AS conflicts,
              (SELECT count(*) FROM members WHERE id = ANY($2::text[])) AS members`,
      [deviceIds, members],
    )).rows[0]!;
    const actual = { transfers: Number(counts.transfers), unapplied: Number(counts.unapplied), conflicts: Number(counts.conflicts), members: Number(counts.members) };
    const wanted = { transfers: expected.transfers, unapplied: expected.unknownOps, conflicts: 0, members: members.length };
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) return `seed ${seed}: counts ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`;
    return null;
  }

  it(`keeps the head office equal to the union of the kiosk journals over ${RUNS} seeded runs`, async () => {
    const failures: string[] = [];
    const started = Date.now();
    let nextSeed = FIRST_SEED;
    const worker = async () => {
      while (nextSeed < FIRST_SEED + RUNS && failures.length < 5) {
        const seed = nextSeed++;
        const problem = await runOnce(seed).catch((error: Error) => `seed ${seed}: ${error.message}`);
        if (problem) failures.push(problem);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const faults = Object.entries(proxy.counts).map(([fault, count]) => `${fault}=${count}`).join(' ');
    console.log(`fault campaign: ${RUNS} runs in ${Date.now() - started} ms; ${faults}`);
    expect(failures).toEqual([]);
    // The campaign must actually have hurt: every kind of fault happened.
    if (RUNS >= 50) for (const count of Object.values(proxy.counts)) expect(count).toBeGreaterThan(0);
  }, 600_000);
});
