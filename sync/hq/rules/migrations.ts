import type { Migration } from '../migrations.js';

/**
 * Slice R's tables (versions 8101-8199, prefix `rules_`): every `loyalty` document the
 * dashboard published, kept whole so any of them can be restored, with who, when and why.
 * `version` is the `documents.version` the publish produced, the number kiosks report.
 * `rules_previews` remembers which drafts were previewed, so a publish can require one.
 */
export const RULES_MIGRATIONS: Migration[] = [
  {
    version: 8101,
    name: 'rules: published versions of the loyalty document',
    sql: `
CREATE TABLE rules_versions (
  kind text NOT NULL,
  version int NOT NULL,
  body jsonb NOT NULL,
  published_at_ms bigint NOT NULL,
  published_by_user_id bigint,
  published_by_username text NOT NULL,
  reason text NOT NULL,
  restored_from_version int,
  changes jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (kind, version)
);
-- What a manager previewed (the draft's content hash on top of a version): publishing
-- requires one, and the audit row repeats its figures.
CREATE TABLE rules_previews (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL,
  draft_hash text NOT NULL,
  base_version int NOT NULL,
  at_ms bigint NOT NULL,
  figures jsonb NOT NULL
);
CREATE INDEX rules_previews_lookup ON rules_previews (user_id, draft_hash, base_version, at_ms);
`,
  },
];
