import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_SURVEY_QUESTIONS } from '../../firmware/src/loyalty/config.js';
import { defaultLoyaltyRules } from '../../firmware/src/loyalty/rules/parse.js';
import { JournalFixture } from '../../sync/hq/rules/testing/journal-fixture.js';
import { startRouteDashboard, type RouteDashboard } from './support/route-app.js';
import { signIn, STAFF, type StaffClient } from './support/staff.js';
import { ADMIN_TOKEN } from '../sync/support/hq.js';

/** The latest :30 past `hour` before `beforeMs` on `weekday` (0 = Saturday), Tehran time, outside the Nowruz week (its default 200% campaign). */
function lastTehranHour(beforeMs: number, weekday: number, hour: number): number {
  const format = new Intl.DateTimeFormat('en-US-u-ca-persian', { timeZone: 'Asia/Tehran', weekday: 'short', hour: 'numeric', minute: 'numeric', month: 'numeric', day: 'numeric', hourCycle: 'h23' });
  for (let atMs = Math.floor(beforeMs / 1_800_000) * 1_800_000; ; atMs -= 1_800_000) {
    const parts = Object.fromEntries(format.formatToParts(new Date(atMs)).map((part) => [part.type, part.value]));
    const day = ['Sat', 'Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri'].indexOf(String(parts.weekday));
    const nowruz = Number(parts.month) === 1 && Number(parts.day) <= 7;
    if (day === weekday && Number(parts.hour) === hour && Number(parts.minute) === 30 && !nowruz) return atMs;
  }
}

/** The rules API: roles, validation, preview-before-publish, optimistic versions, audit, history and restore. */
describe('dashboard rules routes', () => {
  let hq: RouteDashboard;
  let manager: StaffClient;
  beforeAll(async () => {
    hq = await startRouteDashboard('postgres');
    manager = await signIn(hq.app, STAFF.manager.username);
    const now = hq.clock.nowMs;
    await hq.db.transaction(async (tx) => {
      const fixture = new JournalFixture(tx);
      await fixture.device('kiosk-a', 'store-a', now - 90 * 86_400_000);
      await fixture.member('m1', 'store-a', now - 60 * 86_400_000);
      // 10:00 Tehran on a Saturday is inside the default happy hour; 20:00 is not.
      await fixture.purchase({ deviceId: 'kiosk-a', receiptId: 'R1', memberId: 'm1', amountRial: 2_000_000, atMs: lastTehranHour(now - 86_400_000, 0, 10) });
      await fixture.purchase({ deviceId: 'kiosk-a', receiptId: 'R2', memberId: 'm1', amountRial: 2_000_000, atMs: lastTehranHour(now - 86_400_000, 0, 20) });
    });
  });
  afterAll(async () => {
    await hq?.close();
  });

  const draftWithHappyHour = (percent: number) => {
    const draft = structuredClone(defaultLoyaltyRules());
    draft.earning.campaigns.find((campaign) => campaign.id === 'happy-hour')!.multiplierPercent = percent;
    return draft;
  };

  it('serves the defaults (version 0) with the kiosk schema to managers and support, nothing to store managers', async () => {
    const answer = await manager.call<{ version: number; source: string; rules: unknown; schema: { properties: Record<string, unknown> } }>('GET', '/v1/dashboard/rules');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: 0, source: 'defaults', rules: defaultLoyaltyRules() });
    expect(Object.keys(answer.body.schema.properties)).toContain('earning');
    const support = await signIn(hq.app, STAFF.support.username);
    expect((await support.call('GET', '/v1/dashboard/rules')).status).toBe(200);
    expect((await support.call('POST', '/v1/dashboard/rules/preview', { body: {} })).status).toBe(403);
    const storeManager = await signIn(hq.app, STAFF.storeManager.username);
    expect((await storeManager.call('GET', '/v1/dashboard/rules')).status).toBe(403);
    expect((await storeManager.call('GET', '/v1/dashboard/rules/versions')).status).toBe(403);
  });

  it('validates a draft field by field', async () => {
    const draft = draftWithHappyHour(5000) as unknown as Record<string, Record<string, unknown>>;
    draft.earning!.rialPerPoint = 0;
    const answer = await manager.call<{ valid: boolean; messages: string[]; errors: Array<{ path: string }> }>('POST', '/v1/dashboard/rules/validate', { body: draft });
    expect(answer.status).toBe(200);
    expect(answer.body.valid).toBe(false);
    expect(answer.body.messages).toEqual(['/earning/rialPerPoint: must be >= 1', '/earning/campaigns/1/multiplierPercent: must be <= 1000']);
  });

  it('refuses a store manager publishing (403), and publishing without a preview (400)', async () => {
    const storeManager = await signIn(hq.app, STAFF.storeManager.username);
    const refused = await storeManager.call<{ code: string }>('PUT', '/v1/dashboard/rules', { expectedVersion: 0, body: draftWithHappyHour(300), reason: 'try' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    const unpreviewed = await manager.call<{ message: string }>('PUT', '/v1/dashboard/rules', { expectedVersion: 0, body: draftWithHappyHour(300), reason: 'spring' });
    expect(unpreviewed.status).toBe(400);
    expect(unpreviewed.body.message).toMatch(/preview this draft/);
    expect((await hq.db.query("SELECT 1 FROM documents WHERE kind = 'loyalty'")).rowCount).toBe(0);
  });

  it('previews, publishes version 1 with an audit row, and refuses a stale version (409)', async () => {
    const draft = draftWithHappyHour(300);
    const preview = await manager.call<{ baseVersion: number; receipts: number; totals: { current: number; draft: number } }>('POST', '/v1/dashboard/rules/preview', { body: draft, days: 30 });
    expect(preview.status).toBe(200);
    // R1 (happy hour): 20 points ×1.5 = 30 → ×3 = 60. R2: 20 either way.
    expect(preview.body).toMatchObject({ baseVersion: 0, receipts: 2, totals: { current: 50, draft: 80 } });

    const published = await manager.call<{ version: number; changes: Array<{ path: string; from: number; to: number }> }>('PUT', '/v1/dashboard/rules', { expectedVersion: 0, body: draft, reason: 'happy hour ×3 for spring' });
    expect(published.status).toBe(200);
    expect(published.body.version).toBe(1);
    expect(published.body.changes).toEqual([{ path: '/earning/campaigns/happy-hour/multiplierPercent', from: 150, to: 300 }]);
    const document = (await hq.db.query<{ version: number; body: { earning: { campaigns: Array<{ multiplierPercent: number }> } } }>("SELECT version, body FROM documents WHERE kind = 'loyalty'")).rows[0]!;
    expect(document.version).toBe(1);
    expect(document.body.earning.campaigns[1]!.multiplierPercent).toBe(300);

    const audit = (await hq.db.query<{ username: string; action: string; subject: string; details: Record<string, unknown> }>("SELECT username, action, subject, details FROM dashboard_audit WHERE action LIKE 'rules.%'")).rows;
    expect(audit).toEqual([
      {
        username: STAFF.manager.username,
        action: 'rules.publish',
        subject: 'rules:loyalty',
        details: expect.objectContaining({ version: 1, fromVersion: 0, reason: 'happy hour ×3 for spring', preview: { days: 30, receipts: 2, currentPoints: 50, draftPoints: 80, membersAffected: 1 } }),
      },
    ]);

    const stale = await manager.call<{ code: string }>('PUT', '/v1/dashboard/rules', { expectedVersion: 0, body: draftWithHappyHour(250), reason: 'late edit' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
  });

  it('refuses an invalid draft at publish with every error, and changes nothing', async () => {
    const draft = draftWithHappyHour(300);
    draft.tiers.levels[1]!.minPoints = 0;
    const answer = await manager.call<{ errors: Array<{ path: string; message: string }> }>('PUT', '/v1/dashboard/rules', { expectedVersion: 1, body: draft, reason: 'broken' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: '/tiers/levels/1/minPoints', message: 'must be more than the tier before (0)' }]);
  });

  it('keeps the history and restores an earlier version as a new one', async () => {
    const draft = draftWithHappyHour(400);
    expect((await manager.call('POST', '/v1/dashboard/rules/preview', { body: draft })).status).toBe(200);
    expect((await manager.call('PUT', '/v1/dashboard/rules', { expectedVersion: 1, body: draft, reason: 'even more' })).status).toBe(200);
    const history = await manager.call<{ current: number; versions: Array<{ version: number; reason: string; publishedBy: string; current: boolean }> }>('GET', '/v1/dashboard/rules/versions');
    expect(history.body.current).toBe(2);
    expect(history.body.versions.map((entry) => [entry.version, entry.reason, entry.publishedBy, entry.current])).toEqual([
      [2, 'even more', 'maryam', true],
      [1, 'happy hour ×3 for spring', 'maryam', false],
    ]);
    const stale = await manager.call('POST', '/v1/dashboard/rules/versions/1/restore', { expectedVersion: 1, reason: 'back' });
    expect(stale.status).toBe(409);
    const restored = await manager.call<{ version: number }>('POST', '/v1/dashboard/rules/versions/1/restore', { expectedVersion: 2, reason: 'too generous' });
    expect(restored.status).toBe(200);
    expect(restored.body.version).toBe(3);
    const current = await manager.call<{ version: number; rules: { earning: { campaigns: Array<{ multiplierPercent: number }> } } }>('GET', '/v1/dashboard/rules');
    expect(current.body.version).toBe(3);
    expect(current.body.rules.earning.campaigns[1]!.multiplierPercent).toBe(300);
    const audit = (await hq.db.query<{ action: string; details: { restoredFromVersion?: number } }>("SELECT action, details FROM dashboard_audit WHERE action = 'rules.restore'")).rows;
    expect(audit).toEqual([{ action: 'rules.restore', details: expect.objectContaining({ version: 3, restoredFromVersion: 1, reason: 'too generous' }) }]);
    expect((await manager.call('POST', '/v1/dashboard/rules/versions/99/restore', { expectedVersion: 3, reason: 'x' })).status).toBe(404);
  });

  it('shows a stored body that no longer validates, previews against the defaults, and lets a valid draft replace it', async () => {
    // The admin document route refuses the loyalty kind (it would skip validation and versions)…
    const put = await hq.app.inject({ method: 'PUT', url: '/v1/admin/documents/loyalty', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { expectedVersion: 3, body: { earning: { rialPerPoint: 0 } } } });
    expect(put.statusCode).toBe(400);
    // …so a body that no longer validates can only come from the database itself (an older
    // release's rules, a hand edit): written here around everything.
    await hq.db.query("UPDATE documents SET version = 4, body = $1 WHERE kind = 'loyalty' AND version = 3", [JSON.stringify({ earning: { rialPerPoint: 0 } })]);
    const current = await manager.call<{ version: number; problems: Array<{ path: string }> }>('GET', '/v1/dashboard/rules');
    expect(current.body.version).toBe(4);
    expect(current.body.problems.map((problem) => problem.path)).toEqual(['/earning/rialPerPoint']);
    const draft = draftWithHappyHour(200);
    const preview = await manager.call<{ baseInvalid: boolean; totals: { current: number; draft: number } }>('POST', '/v1/dashboard/rules/preview', { body: draft });
    expect(preview.status).toBe(200);
    expect(preview.body.baseInvalid).toBe(true);
    expect(preview.body.totals).toMatchObject({ current: 50, draft: 60 }); // the defaults: R1 30, R2 20
    expect((await manager.call('PUT', '/v1/dashboard/rules', { expectedVersion: 4, body: draft, reason: 'repair' })).status).toBe(200);
    expect((await manager.call<{ problems?: unknown }>('GET', '/v1/dashboard/rules')).body.problems).toBeUndefined();
  });

  it('edits the survey questions\' wording: a blank one refused at its path, the rest published as they were typed', async () => {
    const schema = (await manager.call<{ schema: { properties: { survey: { properties: { questions: { examples: unknown[] } } } } } }>('GET', '/v1/dashboard/rules')).body.schema;
    // The editor shows the kiosk's built-in wording from here.
    expect(schema.properties.survey.properties.questions.examples).toEqual([BUILT_IN_SURVEY_QUESTIONS]);
    const draft = draftWithHappyHour(200);
    draft.survey.questions = structuredClone(BUILT_IN_SURVEY_QUESTIONS);
    draft.survey.questions.nps.en = ' ';
    draft.survey.questions.csat.fa = 'x'.repeat(161);
    const invalid = await manager.call<{ valid: boolean; errors: Array<{ path: string; message: string }> }>('POST', '/v1/dashboard/rules/validate', { body: draft });
    expect(invalid.body.valid).toBe(false);
    expect(invalid.body.errors).toEqual([
      { path: '/survey/questions/csat/fa', message: 'must NOT have more than 160 characters' },
      { path: '/survey/questions/nps/en', message: 'must match pattern "\\S"' },
    ]);
    draft.survey.questions.nps.en = 'Would you tell a friend about us?';
    draft.survey.questions.csat.fa = 'از خرید امروزتان راضی بودید؟';
    expect((await manager.call('POST', '/v1/dashboard/rules/preview', { body: draft })).status).toBe(200);
    const published = await manager.call<{ version: number; changes: Array<{ path: string }> }>('PUT', '/v1/dashboard/rules', { expectedVersion: 5, body: draft, reason: 'survey wording' });
    expect(published.status).toBe(200);
    expect(published.body.changes.map((change) => change.path).every((path) => path.startsWith('/survey/questions'))).toBe(true);
    expect(published.body.changes.length).toBeGreaterThan(0);
    const current = await manager.call<{ version: number; rules: { survey: { questions: unknown } } }>('GET', '/v1/dashboard/rules');
    expect(current.body.version).toBe(6);
    expect(current.body.rules.survey.questions).toEqual(draft.survey.questions);
  });
});
