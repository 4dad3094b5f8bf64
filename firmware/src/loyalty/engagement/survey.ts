import { DAY_MS } from '../calendar/local-time.js';

/**
 * The short satisfaction survey after a balance check: CSAT (1–5) and NPS (0–10), an optional
 * comment. Due once per member per period.
 */
export interface SurveyAnswers {
  csat: number;
  nps: number;
  comment?: string;
}

export const MAX_COMMENT_LENGTH = 280;

export function checkAnswers(input: unknown): SurveyAnswers | string {
  if (typeof input !== 'object' || input === null) return 'answers must be an object';
  const { csat, nps, comment } = input as Record<string, unknown>;
  if (!Number.isInteger(csat) || (csat as number) < 1 || (csat as number) > 5) return 'csat must be 1 to 5';
  if (!Number.isInteger(nps) || (nps as number) < 0 || (nps as number) > 10) return 'nps must be 0 to 10';
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT_LENGTH)) return `comment must be at most ${MAX_COMMENT_LENGTH} characters`;
  return { csat: csat as number, nps: nps as number, ...(comment !== undefined && { comment: comment as string }) };
}

export function surveyDue(lastSurveyAtMs: number | undefined, nowMs: number, periodDays: number): boolean {
  return lastSurveyAtMs === undefined || nowMs - lastSurveyAtMs >= periodDays * DAY_MS;
}

/** NPS bands: 9–10 promoters, 7–8 passives, 0–6 detractors. */
export const npsBand = (nps: number): 'promoters' | 'passives' | 'detractors' => (nps >= 9 ? 'promoters' : nps >= 7 ? 'passives' : 'detractors');
