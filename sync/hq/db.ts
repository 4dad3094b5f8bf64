import pg from 'pg';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { openDurablePGlite, type DurableNodeFS } from './pglite-durable.js';

/**
 * The head office's storage: PostgreSQL through `pg`, or embedded PGlite. Both answer the same
 * SQL; this file hides the differences (result shapes, int8 parsing, transactions).
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction; retried (bounded) on serialization failures and deadlocks. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const RETRYABLE_CODES = new Set(['40001', '40P01']);
const TRANSACTION_ATTEMPTS_MAX = 8;

const int8AsNumber: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export async function openPostgres(connectionString: string, poolSizeMax = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: poolSizeMax, types: int8AsNumber, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const outside = wrap(pool);
  return {
    kind: 'postgres',
    query: outside.query,
    exec: outside.exec,
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query('BEGIN');
          const result = await work(wrap(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true;
          }
          const code = (error as { code?: string }).code;
          if (!code || !RETRYABLE_CODES.has(code) || attempt >= TRANSACTION_ATTEMPTS_MAX) throw error;
        } finally {
          client.release(broken);
        }
      }
    },
    close: () => pool.end(),
  };
}

export interface PGliteDb extends Db {
  readonly fs: DurableNodeFS;
  readonly pglite: PGlite;
}

function wrapPGlite(target: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[]) {
      const result = await target.query<R>(sql, params);
      return { rows: result.rows, rowCount: Math.max(result.rows.length, result.affectedRows ?? 0) };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

/** Embedded PostgreSQL in `dataDir`, with fsync made real (see pglite-durable.ts). */
export async function openPGlite(dataDir: string): Promise<PGliteDb> {
  const { pglite, fs } = await openDurablePGlite(dataDir);
  const outside = wrapPGlite(pglite);
  return {
    kind: 'pglite',
    fs,
    pglite,
    query: outside.query,
    exec: outside.exec,
    // PGlite is single-connection: its transaction() queues callers, so there are no conflicts to retry.
    transaction: <T>(work: (tx: Queryable) => Promise<T>) => pglite.transaction((tx) => work(wrapPGlite(tx))),
    close: () => pglite.close(),
  };
}

/** DATABASE_URL when set, otherwise PGlite in `<dataDir>/pglite`. */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string; poolSizeMax?: number }): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSizeMax);
  return openPGlite(`${options.dataDir}/pglite`);
}
