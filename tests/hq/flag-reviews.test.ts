import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPGlite, type PGliteDb } from '../../sync/hq/db.js';
import { migrate, MIGRATIONS } from '../../sync/hq/migrations.js';
import { MESSAGES_MIGRATIONS } from '../../sync/hq/messages/migration.js';
import { ANALYSIS_MIGRATIONS, FlagReviewStore } from '../../sync/hq/analysis/reviews-store.js';
import { applyReviews, fraudFlags } from '../../sync/hq/analysis/fraud.js';
import { tempDir } from '../support/temp-dir.js';

/** Flags are recomputed; their reviews persist in PGlite (with every migration applied together). */
let dir: { path: string; remove(): void };
let db: PGliteDb;

beforeAll(async () => {
  dir = tempDir('bashgah-reviews-');
  db = await openPGlite(dir.path);
  expect(await migrate(db, [...MIGRATIONS, ...MESSAGES_MIGRATIONS, ...ANALYSIS_MIGRATIONS])).toEqual([...MIGRATIONS.map((m) => m.version), 7001, 7101]);
});
afterAll(async () => {
  await db.close();
  dir.remove();
});

describe('flag reviews', () => {
  it('a closed flag stays closed with its note when the analysis runs again; reopening is recorded too', async () => {
    const history = { members: [], adjustments: [], conflicts: [], cards: [{ id: 'c1', memberId: 'm1', taps: [{ atMs: 0, storeId: 'a' }, { atMs: 300_000, storeId: 'b' }] }] };
    const [flag] = fraudFlags(history);
    const store = new FlagReviewStore(db);
    await expect(store.record({ flagId: flag!.id, state: 'closed', note: ' ', byUserId: 'u1', atMs: 1 })).rejects.toThrow(/note/);
    await expect(store.record({ flagId: "x'; DROP TABLE x; --", state: 'closed', note: 'n', byUserId: 'u1', atMs: 1 })).rejects.toThrow(/flag id/);
    await store.record({ flagId: flag!.id, state: 'closed', note: 'همسر عضو با کارت دوم خرید کرد', byUserId: 'manager-1', atMs: 10 });
    const again = applyReviews(fraudFlags(history), await store.list([flag!.id]));
    expect(again[0]!.review).toEqual({ state: 'closed', note: 'همسر عضو با کارت دوم خرید کرد', byUserId: 'manager-1', atMs: 10 });
    await store.record({ flagId: flag!.id, state: 'open', note: 'seen again', byUserId: 'manager-2', atMs: 20 });
    expect(applyReviews(fraudFlags(history), await store.list())[0]!.review.state).toBe('open');
    expect(await store.list()).toHaveLength(2);
  });
});
