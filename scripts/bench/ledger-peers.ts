import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

/**
 * The peers the ledger is measured against, doing the same work: move one point from the
 * club to a member and record the transfer, durably acknowledged before the next one.
 */
export interface ThroughputResult {
  transfers: number;
  seconds: number;
}

/**
 * better-sqlite3, WAL with synchronous=FULL set explicitly (every commit syncs the WAL, as
 * the ledger syncs its journal). One connection shared by all writers, the way a Node service
 * uses it: better-sqlite3 is synchronous, so concurrent writers take turns. (A connection per
 * writer thread is slower still: the writers then wait on SQLite's busy handler.)
 */
export async function sqliteThroughput(dir: string, writers: number, members: number, durationMs: number): Promise<ThroughputResult> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'peer.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS balances (account TEXT PRIMARY KEY, points INTEGER NOT NULL);
           CREATE TABLE IF NOT EXISTS transfers (id INTEGER PRIMARY KEY, debit TEXT, credit TEXT, amount INTEGER, at INTEGER);`);
  const insert = db.prepare('INSERT INTO transfers (debit, credit, amount, at) VALUES (?, ?, 1, ?)');
  const upsert = db.prepare('INSERT INTO balances (account, points) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET points = points + excluded.points');
  const move = db.transaction((member: string) => {
    insert.run('club:earned', member, Date.now());
    upsert.run('club:earned', -1);
    upsert.run(member, 1);
  });
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        move.immediate(`member:m${Math.floor(Math.random() * members)}:points`);
        count++;
        // Yield as an async request handler would, so the writers interleave.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { transfers: count, seconds };
}

/** Plain lowdb: the whole file rewritten per transfer by its own writer (no fsync). */
export async function lowdbThroughput(dir: string, writers: number, members: number, durationMs: number): Promise<ThroughputResult> {
  mkdirSync(dir, { recursive: true });
  const db = new Low(new JSONFile<{ balances: Record<string, number>; transfers: unknown[] }>(join(dir, 'peer-lowdb.json')), { balances: {}, transfers: [] });
  await db.read();
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        const member = `member:m${Math.floor(Math.random() * members)}:points`;
        db.data.balances[member] = (db.data.balances[member] ?? 0) + 1;
        db.data.balances['club:earned'] = (db.data.balances['club:earned'] ?? 0) - 1;
        db.data.transfers.push({ debit: 'club:earned', credit: member, amount: 1, at: Date.now() });
        await db.write();
        count++;
      }
    }),
  );
  return { transfers: count, seconds: (performance.now() - started) / 1000 };
}
