import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { defaultLoyaltyRules } from '../../../firmware/src/loyalty/rules/parse.js';
import type { Db, Queryable } from '../db.js';
import { HqError } from '../errors.js';
import { putDocument } from '../queries.js';
import type { AuditFn, StaffUser } from '../dashboard/types.js';
import { diffRules, type RuleChange } from './diff.js';
import { requirePreview } from './previews-store.js';
import { validateLoyaltyDraft, type FieldProblem } from './validate.js';
import { LOYALTY_DOCUMENT_KIND as LOYALTY_KIND } from '../../protocol/messages.js';

/**
 * The `loyalty` document (body = the kiosk's `loyalty` config section, version =
 * documents.version) and its published history in `rules_versions`. Publishing validates,
 * checks the expected version, writes the document through `putDocument`, keeps the version
 * and audits it, all in one transaction.
 */
export { LOYALTY_DOCUMENT_KIND as LOYALTY_KIND } from '../../protocol/messages.js';
const REASON_LENGTH_MAX = 500;
const VERSIONS_LIST_MAX = 200;

export interface CurrentRules {
  /** documents.version; 0 = never published (the kiosks use their config files). */
  version: number;
  rules: LoyaltyRules;
  updatedAtMs: number | null;
  source: 'published' | 'defaults';
  /** Set when a stored body no longer passes validation (written around the dashboard). */
  problems?: FieldProblem[];
}

export class RulesInvalidError extends Error {
  constructor(readonly errors: FieldProblem[]) {
    super(`the rules are not valid: ${errors.length} problem(s)`);
    this.name = 'RulesInvalidError';
  }
}

export async function currentLoyalty(db: Queryable): Promise<CurrentRules> {
  const row = (await db.query<{ version: number; body: unknown; updated_at_ms: number }>('SELECT version, body, updated_at_ms FROM documents WHERE kind = $1', [LOYALTY_KIND])).rows[0];
  if (!row) return { version: 0, rules: defaultLoyaltyRules(), updatedAtMs: null, source: 'defaults' };
  const checked = validateLoyaltyDraft(row.body);
  const current: CurrentRules = { version: Number(row.version), rules: checked.rules ?? (row.body as LoyaltyRules), updatedAtMs: Number(row.updated_at_ms), source: 'published' };
  if (!checked.valid) current.problems = checked.errors;
  return current;
}

export interface PublishInput {
  expectedVersion: number;
  body: unknown;
  reason: string;
  user: StaffUser;
  atMs: number;
  restoredFromVersion?: number;
  /** Refuse unless this user previewed exactly this draft on `expectedVersion` (the editor's publish). */
  requirePreview?: boolean;
}

export interface PublishResult {
  version: number;
  changes: RuleChange[];
  moreChanges: number;
}

/** `putDocument` takes a Db; inside our transaction every query must go through `tx`. */
function transactionAsDb(db: Db, tx: Queryable): Db {
  return { kind: db.kind, query: (sql, params) => tx.query(sql, params), exec: (sql) => tx.exec(sql), transaction: (work) => work(tx), close: async () => undefined };
}

export async function publishLoyalty(db: Db, audit: AuditFn, input: PublishInput): Promise<PublishResult> {
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > REASON_LENGTH_MAX) throw new HqError('BAD_REQUEST', `reason must be 1 to ${REASON_LENGTH_MAX} characters`);
  const checked = validateLoyaltyDraft(input.body);
  if (!checked.valid || !checked.rules) throw new RulesInvalidError(checked.errors);
  const rules = checked.rules;
  return db.transaction(async (tx) => {
    const current = (await tx.query<{ version: number; body: unknown }>('SELECT version, body FROM documents WHERE kind = $1 FOR UPDATE', [LOYALTY_KIND])).rows[0];
    const currentVersion = current ? Number(current.version) : 0;
    if (currentVersion !== input.expectedVersion) {
      throw new HqError('VERSION_CONFLICT', `the rules changed since version ${input.expectedVersion} (now ${currentVersion}): reload and apply your edit again`);
    }
    const preview = input.requirePreview
      ? await requirePreview(tx, { userId: input.user.id, rules, baseVersion: currentVersion, atMs: input.atMs })
      : undefined;
    const before = current ? current.body : defaultLoyaltyRules();
    const diff = diffRules(before, rules);
    if (current && diff.changes.length === 0) throw new HqError('BAD_REQUEST', 'nothing changed: the draft is the rules in force');
    const version = await putDocument(transactionAsDb(db, tx), LOYALTY_KIND, input.expectedVersion, rules, input.atMs);
    await tx.query(
      `INSERT INTO rules_versions (kind, version, body, published_at_ms, published_by_user_id, published_by_username, reason, restored_from_version, changes)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9::jsonb)`,
      [LOYALTY_KIND, version, JSON.stringify(rules), input.atMs, input.user.id, input.user.username, reason, input.restoredFromVersion ?? null, JSON.stringify(diff.changes)],
    );
    await audit(tx, {
      user: input.user,
      action: input.restoredFromVersion === undefined ? 'rules.publish' : 'rules.restore',
      subject: `rules:${LOYALTY_KIND}`,
      details: {
        version,
        fromVersion: input.expectedVersion,
        reason,
        ...(input.restoredFromVersion !== undefined && { restoredFromVersion: input.restoredFromVersion }),
        ...(preview && { preview }),
        changes: diff.changes.slice(0, 20),
        moreChanges: diff.more + Math.max(0, diff.changes.length - 20),
      },
    });
    return { version, changes: diff.changes, moreChanges: diff.more };
  });
}

export interface VersionSummary {
  version: number;
  publishedAtMs: number;
  publishedBy: string;
  reason: string;
  restoredFromVersion: number | null;
  changes: RuleChange[];
  current: boolean;
}

interface VersionRow {
  version: number;
  body: unknown;
  published_at_ms: number;
  published_by_username: string;
  reason: string;
  restored_from_version: number | null;
  changes: RuleChange[];
}

export async function listVersions(db: Queryable, limit = 50): Promise<VersionSummary[]> {
  const current = await currentLoyalty(db);
  const rows = (await db.query<VersionRow>(
    'SELECT version, published_at_ms, published_by_username, reason, restored_from_version, changes FROM rules_versions WHERE kind = $1 ORDER BY version DESC LIMIT $2',
    [LOYALTY_KIND, Math.min(Math.max(1, limit), VERSIONS_LIST_MAX)],
  )).rows;
  return rows.map((row) => ({
    version: Number(row.version),
    publishedAtMs: Number(row.published_at_ms),
    publishedBy: row.published_by_username,
    reason: row.reason,
    restoredFromVersion: row.restored_from_version === null ? null : Number(row.restored_from_version),
    changes: row.changes,
    current: Number(row.version) === current.version,
  }));
}

export async function versionBody(db: Queryable, version: number): Promise<unknown> {
  const row = (await db.query<{ body: unknown }>('SELECT body FROM rules_versions WHERE kind = $1 AND version = $2', [LOYALTY_KIND, version])).rows[0];
  if (!row) throw new HqError('NOT_FOUND', `no published version ${version}`);
  return row.body;
}
