import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouteDashboard, type RouteDashboard } from './support/route-app.js';
import { signIn, STAFF, type StaffClient } from './support/staff.js';
import { CLUB, seedClub, ZAHRA_EARNINGS, type SeededClub } from './support/club.js';

type Found = { query: { kind: string }; members: Array<{ id: string; storeId: string; points: number; matchedCardId: string | null }> };
type Err = { code: string; message: string };

/** The people routes on PGlite, the head office's default database (the browser test covers PostgreSQL): search, detail, history, block, adjust, merge, roles and store scope. */
describe('dashboard people routes', () => {
  let hq: RouteDashboard;
  let club: SeededClub;
  let manager: StaffClient;
  let storeManager: StaffClient;
  let support: StaffClient;

  beforeAll(async () => {
    hq = await startRouteDashboard('pglite');
    club = await seedClub(hq.app, hq.url);
    manager = await signIn(hq.app, STAFF.manager.username);
    storeManager = await signIn(hq.app, STAFF.storeManager.username);
    support = await signIn(hq.app, STAFF.support.username);
  });
  afterAll(async () => {
    await hq?.close();
  });

  const auditCount = async (action: string) => Number((await hq.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dashboard_audit WHERE action = $1', [action])).rows[0]!.n);

  it.each([
    ['۰۹۱۲ ۱۲۳ ۴۵۶۷', 'mobile'],
    ['+98 912-123-4567', 'mobile'],
    ['00989121234567', 'mobile'],
    ['٠٩١٢١٢٣٤٥٦٧', 'mobile'],
    ['9121234567', 'mobile'],
    ['nfc:04A1B2C3D4E5F6', 'card'],
    ['04a1b2c3d4e5f6', 'card'],
    ['1234567', 'digits'],
  ])('finds a member by %s (%s)', async (typed, kind) => {
    const found = await manager.call<Found>('GET', `/v1/dashboard/members?q=${encodeURIComponent(typed)}`);
    expect(found.status).toBe(200);
    expect(found.body.query.kind).toBe(kind);
    expect(found.body.members.map((m) => m.id)).toEqual([CLUB.zahra.id]);
    if (kind === 'card') expect(found.body.members[0]!.matchedCardId).toBe(CLUB.zahra.cardId);
    expect(found.body.members[0]!.points).toBe(ZAHRA_EARNINGS * 10 - 50);
  });

  it('finds members by name with Arabic letters folded, and refuses a search too short to mean anything', async () => {
    const byName = await manager.call<Found>('GET', `/v1/dashboard/members?q=${encodeURIComponent('زهرا محمدي')}`);
    expect(byName.body.query.kind).toBe('name');
    expect(byName.body.members.map((m) => m.id).sort()).toEqual([CLUB.zahra.id, CLUB.zahraAgain.id]);
    const percent = await manager.call<Found>('GET', `/v1/dashboard/members?q=${encodeURIComponent('%%')}`);
    expect(percent.body.members).toEqual([]);
    const short = await manager.call<Err>('GET', '/v1/dashboard/members?q=09');
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/^q: /);
    const missing = await manager.call<Err>('GET', '/v1/dashboard/members');
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('q');
  });

  it('shows a store manager only their stores’ members', async () => {
    const own = await storeManager.call<Found>('GET', `/v1/dashboard/members?q=${encodeURIComponent('عل')}`);
    expect(own.body.members).toEqual([]);
    const chain = await support.call<Found>('GET', `/v1/dashboard/members?q=${encodeURIComponent('علی')}`);
    expect(chain.body.members.map((m) => m.id)).toEqual([CLUB.ali.id]);
    const detail = await storeManager.call<Err>('GET', `/v1/dashboard/members/${CLUB.ali.id}`);
    expect(detail.status).toBe(403);
    expect(detail.body.code).toBe('FORBIDDEN');
    expect((await storeManager.call('GET', `/v1/dashboard/members/${CLUB.ali.id}/transfers`)).status).toBe(403);
    expect((await storeManager.call('POST', `/v1/dashboard/cards/${encodeURIComponent(CLUB.ali.cardId)}/block`, { reason: 'lost card' })).status).toBe(403);
    expect((await storeManager.call('POST', `/v1/dashboard/members/${CLUB.ali.id}/adjustments`, { points: 5, reason: 'goodwill' })).status).toBe(403);
    expect((await manager.call('GET', '/v1/dashboard/members/no-such-member')).status).toBe(404);
  });

  it('shows a member with cards and balances, and pages through the transfer history', async () => {
    const detail = await storeManager.call<{ member: { id: string; phone: string; balances: Record<string, number> }; cards: Array<{ id: string }>; directives: unknown[] }>(
      'GET',
      `/v1/dashboard/members/${CLUB.zahra.id}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.member).toMatchObject({ id: CLUB.zahra.id, phone: CLUB.zahra.phone, balances: { points: ZAHRA_EARNINGS * 10 - 50 } });
    expect(detail.body.cards.map((card) => card.id)).toEqual([CLUB.zahra.cardId]);
    expect(Array.isArray(detail.body.directives)).toBe(true);

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/dashboard/members/${CLUB.zahra.id}/transfers?limit=7${before ? `&before=${before}` : ''}`;
      const page = await storeManager.call<{ transfers: Array<{ id: string; direction: string; atMs: number }>; next: string | null }>('GET', url);
      expect(page.status).toBe(200);
      seen.push(...page.body.transfers.map((t) => `${t.direction}:${t.id}`));
      before = page.body.next;
      pages++;
    } while (before && pages < 20);
    expect(seen).toHaveLength(ZAHRA_EARNINGS + 1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen[0]).toMatch(/^out:/); // the redemption came last
    expect(pages).toBe(Math.ceil((ZAHRA_EARNINGS + 1) / 7));
    expect((await manager.call<Err>('GET', `/v1/dashboard/members/${CLUB.zahra.id}/transfers?before=garbage`)).body.message).toMatch(/^before: /);
  });

  it('blocks a card with a reason, audited in the same transaction; the other store’s kiosk pulls it as blocked', async () => {
    const before = await auditCount('card.block');
    const noReason = await support.call<Err>('POST', `/v1/dashboard/cards/${encodeURIComponent(CLUB.mina.cardId)}/block`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toContain('reason');
    const withoutCsrf = await support.call('POST', `/v1/dashboard/cards/${encodeURIComponent(CLUB.mina.cardId)}/block`, { reason: 'reported stolen' }, { csrf: false });
    expect(withoutCsrf.status).toBe(403);
    expect(await auditCount('card.block')).toBe(before);

    const blocked = await support.call<{ status: string }>('POST', `/v1/dashboard/cards/${encodeURIComponent(CLUB.mina.cardId)}/block`, { reason: 'reported stolen' });
    expect(blocked.status).toBe(200);
    expect(blocked.body.status).toBe('blocked');
    expect(await auditCount('card.block')).toBe(before + 1);
    const row = (await hq.db.query<{ username: string; role: string; subject: string; details: { reason: string; memberId: string } }>("SELECT * FROM dashboard_audit WHERE action = 'card.block' ORDER BY id DESC LIMIT 1")).rows[0]!;
    expect(row).toMatchObject({ username: STAFF.support.username, role: 'support', subject: `card:${CLUB.mina.cardId}`, details: { reason: 'reported stolen', memberId: CLUB.mina.id } });

    const pulled = await club.clientB.pull({ afterRevision: 0, limit: 1000, documentVersions: {} });
    expect(pulled.blockedCards).toContain(CLUB.mina.cardId);
    expect((await manager.call('POST', `/v1/dashboard/cards/${encodeURIComponent('nfc:FFFFFFFF')}/block`, { reason: 'lost card' })).status).toBe(404);
  });

  it('leaves the card as it was when its audit row cannot be written (one transaction)', async () => {
    await hq.db.exec(`
      CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$;
      CREATE TRIGGER refuse_audit BEFORE INSERT ON dashboard_audit FOR EACH ROW EXECUTE FUNCTION refuse_audit();`);
    try {
      const refused = await manager.call('POST', `/v1/dashboard/cards/${encodeURIComponent(CLUB.zahraAgain.cardId)}/block`, { reason: 'lost card' });
      expect(refused.status).toBe(500);
    } finally {
      await hq.db.exec('DROP TRIGGER refuse_audit ON dashboard_audit; DROP FUNCTION refuse_audit();');
    }
    const card = (await hq.db.query<{ status: string }>('SELECT status FROM cards WHERE id = $1', [CLUB.zahraAgain.cardId])).rows[0]!;
    expect(card.status).toBe('active');
  });

  it('queues adjustments for managers and store managers (capped), never for support; each audited', async () => {
    const before = await auditCount('member.adjust');
    const bySupport = await support.call<Err>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/adjustments`, { points: 10, reason: 'goodwill' });
    expect(bySupport.status).toBe(403);
    const overCap = await storeManager.call<Err>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/adjustments`, { points: -10_001, reason: 'correction' });
    expect(overCap.status).toBe(403);
    expect(overCap.body.message).toMatch(/^points: /);
    const zero = await manager.call<Err>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/adjustments`, { points: 0, reason: 'nothing' });
    expect(zero.status).toBe(400);
    expect(zero.body.message).toMatch(/^points: /);
    const noReason = await manager.call<Err>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/adjustments`, { points: 5, reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toContain('reason');
    expect(await auditCount('member.adjust')).toBe(before);

    const byStoreManager = await storeManager.call<{ directiveId: string }>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/adjustments`, { points: 10_000, reason: 'birthday gift' });
    expect(byStoreManager.status).toBe(201);
    const byManager = await manager.call<{ directiveId: string }>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/adjustments`, { points: -25_000, reason: 'reversal of a mistaken bonus' });
    expect(byManager.status).toBe(201);
    expect(await auditCount('member.adjust')).toBe(before + 2);
    const detail = await manager.call<{ directives: Array<{ directiveId: string; state: string }> }>('GET', `/v1/dashboard/members/${CLUB.zahra.id}`);
    expect(detail.body.directives.map((d) => d.directiveId)).toEqual(expect.arrayContaining([byStoreManager.body.directiveId, byManager.body.directiveId]));
  });

  it('merges duplicates for managers only, within one store', async () => {
    const bySupport = await support.call('POST', `/v1/dashboard/members/${CLUB.zahra.id}/merge`, { mergedMemberId: CLUB.zahraAgain.id });
    expect(bySupport.status).toBe(403);
    const byStoreManager = await storeManager.call('POST', `/v1/dashboard/members/${CLUB.zahra.id}/merge`, { mergedMemberId: CLUB.zahraAgain.id });
    expect(byStoreManager.status).toBe(403);
    const itself = await manager.call<Err>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/merge`, { mergedMemberId: CLUB.zahra.id });
    expect(itself.body.message).toMatch(/^mergedMemberId: /);
    const across = await manager.call<Err>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/merge`, { mergedMemberId: CLUB.ali.id });
    expect(across.status).toBe(400);
    expect(across.body.message).toMatch(/^mergedMemberId: /);
    const merged = await manager.call<{ directiveId: string }>('POST', `/v1/dashboard/members/${CLUB.zahra.id}/merge`, { mergedMemberId: CLUB.zahraAgain.id });
    expect(merged.status).toBe(201);
    const row = (await hq.db.query<{ subject: string; details: Record<string, unknown> }>("SELECT * FROM dashboard_audit WHERE action = 'member.merge'")).rows;
    expect(row).toEqual([expect.objectContaining({ subject: `member:${CLUB.zahra.id}`, details: expect.objectContaining({ mergedMemberId: CLUB.zahraAgain.id, directiveId: merged.body.directiveId }) })]);
  });

  it('lists the audit trail of one member, card blocks and merges included', async () => {
    type Audit = { entries: Array<{ action: string; subject: string }> };
    const ofMina = await manager.call<Audit>('GET', `/v1/dashboard/audit?memberId=${CLUB.mina.id}`);
    expect(ofMina.body.entries.map((e) => `${e.action} ${e.subject}`)).toEqual([`card.block card:${CLUB.mina.cardId}`]);
    const ofDuplicate = await manager.call<Audit>('GET', `/v1/dashboard/audit?memberId=${CLUB.zahraAgain.id}`);
    expect(ofDuplicate.body.entries.map((e) => e.action)).toEqual(['member.merge']);
    const ofZahra = await manager.call<Audit>('GET', `/v1/dashboard/audit?memberId=${CLUB.zahra.id}&action=member.adjust`);
    expect(ofZahra.body.entries).toHaveLength(2);
  });
});
