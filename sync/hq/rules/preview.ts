import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { publishedOdds } from '../../../firmware/src/loyalty/engagement/game.js';
import type { Queryable } from '../db.js';
import { diffRules, type RuleDiff } from './diff.js';
import { loadPurchaseHistory, type HistoricPurchase } from './history.js';
import { replayPurchases, type ReplayedReceipt } from './replay.js';
import { replayInWorker } from './replay-runner.js';
import { summarise, type PreviewSummary } from './preview-summary.js';

/**
 * The effect of a draft: the last `days` of purchases known at the head office, replayed
 * through the kiosk's engine under the rules in force and under the draft. Tier standing
 * needs the purchases before the period too, so the replay starts a tier window earlier
 * (at most a year, fewer when the purchase bound is reached) and counts only the period.
 * Both replays run on worker threads, side by side.
 */
export const PREVIEW_DAYS_DEFAULT = 30;
export const PREVIEW_DAYS_MAX = 365;
const WARMUP_DAYS_MAX = 365;
/** Below this many purchases both replays take well under a second: a thread would cost more than it saves. */
export const INLINE_REPLAY_MAX = 1_000;
const DAY_MS = 86_400_000;

export interface GameFigures {
  expectedPointsPerPlay: number;
  dailyBudgetPoints: number;
  odds: Array<{ id: string; label: string; points: number; probability: number }>;
}

export interface PreviewResult extends PreviewSummary {
  period: { fromMs: number; toMs: number; days: number; warmupDays: number };
  ruleChanges: RuleDiff;
  game: { current: GameFigures; draft: GameFigures };
  durationMs: number;
}

export function gameFigures(rules: LoyaltyRules): GameFigures {
  const odds = publishedOdds(rules.game.prizes, rules.game.dailyBudgetPoints);
  return {
    expectedPointsPerPlay: odds.prizes.reduce((sum, prize) => sum + prize.probability * prize.points, 0),
    dailyBudgetPoints: rules.game.dailyBudgetPoints,
    odds: odds.prizes.map(({ id, label, points, probability }) => ({ id, label, points, probability })),
  };
}

export interface PreviewOptions {
  days: number;
  nowMs: number;
  /** Replay on this thread up to this many purchases (default INLINE_REPLAY_MAX). */
  inlineReplayMax?: number;
}

export async function previewRules(db: Queryable, current: LoyaltyRules, draft: LoyaltyRules, options: PreviewOptions): Promise<PreviewResult> {
  const startedMs = performance.now();
  const fromMs = options.nowMs - options.days * DAY_MS;
  const wantedWarmupDays = Math.min(WARMUP_DAYS_MAX, Math.max(current.tiers.windowDays, draft.tiers.windowDays));
  const history = await loadPurchaseHistory(db, { warmupFromMs: fromMs - wantedWarmupDays * DAY_MS, fromMs, toMs: options.nowMs });
  const warmupDays = Math.floor((fromMs - (history.readFromMs ?? fromMs)) / DAY_MS);
  const inline = history.purchases.length <= (options.inlineReplayMax ?? INLINE_REPLAY_MAX);
  const [before, after] = inline
    ? [replayPurchases(current, history), replayPurchases(draft, history)]
    : await Promise.all([replayInWorker(current, history), replayInWorker(draft, history)]);
  const inPeriod: Array<{ purchase: HistoricPurchase; current: ReplayedReceipt; draft: ReplayedReceipt }> = [];
  history.purchases.forEach((purchase, index) => {
    if (purchase.atMs >= fromMs) inPeriod.push({ purchase, current: before[index]!, draft: after[index]! });
  });
  return {
    period: { fromMs, toMs: options.nowMs, days: options.days, warmupDays },
    ...summarise(inPeriod, current, draft),
    ruleChanges: diffRules(current, draft),
    game: { current: gameFigures(current), draft: gameFigures(draft) },
    durationMs: Math.round(performance.now() - startedMs),
  };
}
