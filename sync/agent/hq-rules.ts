import { join } from 'node:path';
import type { Logger } from '../../firmware/src/log/logger.js';
import type { Actor } from '../../firmware/src/ledger/types.js';
import type { LoyaltyRules } from '../../firmware/src/loyalty/config.js';
import { parseLoyaltyRules, RulesError } from '../../firmware/src/loyalty/rules/parse.js';
import { LOYALTY_DOCUMENT_KIND, type SyncDocument } from '../protocol/messages.js';
import { readJson, writeJsonDurably } from './state-file.js';

/**
 * The head office's `loyalty` document (body = the kiosk's `loyalty` config section) on the
 * kiosk. A pulled version is checked with the kiosk's own parser; a valid one is kept in
 * `hq-loyalty.json` and journaled through the loyalty service (`loyalty.configure`), and from
 * then on it is the rules in force, also after a restart, instead of the config file's
 * section, until a newer version arrives. An invalid one is refused, logged and shown in
 * health, and changes nothing.
 */
export { LOYALTY_DOCUMENT_KIND };
const FILE = 'hq-loyalty.json';
const PROBLEMS_KEPT = 10;

export interface RulesTarget {
  applyRules(input: unknown, actor: Actor): Promise<{ changed: boolean; rulesHash: string }>;
}

interface RulesFile {
  version: 1;
  accepted?: { version: number; body: unknown; acceptedAtMs: number };
  refused?: { version: number; problems: string[]; refusedAtMs: number };
}

const HQ_ACTOR: Actor = { kind: 'sync', id: 'hq' };

export class HqLoyaltyRules {
  private constructor(
    private readonly path: string,
    private file: RulesFile,
    private readonly logger?: Logger,
  ) {}

  static async load(dataDir: string, logger?: Logger): Promise<HqLoyaltyRules> {
    const path = join(dataDir, FILE);
    let saved: RulesFile | undefined;
    try {
      saved = (await readJson(path)) as RulesFile | undefined;
    } catch (error) {
      logger?.error({ err: error }, 'sync: the head office rules file is unreadable; the config file rules apply');
    }
    return new HqLoyaltyRules(path, saved?.version === 1 ? saved : { version: 1 }, logger);
  }

  /**
   * The head office's rules to start with, or undefined to use the config file's. Checked
   * again: a software update may have tightened the schema.
   */
  startupRules(): LoyaltyRules | undefined {
    const accepted = this.file.accepted;
    if (!accepted) return undefined;
    try {
      return parseLoyaltyRules(accepted.body);
    } catch (error) {
      this.logger?.error({ version: accepted.version, problems: problemsOf(error) }, 'sync: the stored head office rules no longer pass; the config file rules apply');
      return undefined;
    }
  }

  get acceptedVersion(): number | undefined {
    return this.file.accepted?.version;
  }

  /** Alarms for health: a refused version newer than the one in force. */
  alarms(): string[] {
    const refused = this.file.refused;
    return refused && refused.version > (this.file.accepted?.version ?? 0) ? [`rules-refused:v${refused.version}`] : [];
  }

  refusal(): RulesFile['refused'] {
    return this.file.refused;
  }

  /** Applies the pulled `loyalty` document; storage and ledger errors are thrown (the pull is retried). */
  async apply(document: SyncDocument, target: RulesTarget, nowMs: number): Promise<'applied' | 'refused' | 'stale'> {
    if (document.kind !== LOYALTY_DOCUMENT_KIND) throw new Error(`not a ${LOYALTY_DOCUMENT_KIND} document`);
    if (document.version <= (this.file.accepted?.version ?? 0)) return 'stale';
    try {
      parseLoyaltyRules(document.body);
    } catch (error) {
      const problems = problemsOf(error);
      this.logger?.warn({ version: document.version, problems }, 'sync: refused the head office loyalty rules; the rules in force stay');
      this.file = { ...this.file, refused: { version: document.version, problems, refusedAtMs: nowMs } };
      await writeJsonDurably(this.path, this.file);
      return 'refused';
    }
    // Kept before it is journaled: a crash in between still starts with these rules next time.
    this.file = { version: 1, accepted: { version: document.version, body: document.body, acceptedAtMs: nowMs } };
    await writeJsonDurably(this.path, this.file);
    const { changed, rulesHash } = await target.applyRules(document.body, HQ_ACTOR);
    this.logger?.info({ version: document.version, changed, rulesHash }, 'sync: head office loyalty rules in force');
    return 'applied';
  }
}

function problemsOf(error: unknown): string[] {
  if (error instanceof RulesError) return error.problems.slice(0, PROBLEMS_KEPT).map((problem) => problem.slice(0, 200));
  return [String((error as Error)?.message ?? error).slice(0, 200)];
}
