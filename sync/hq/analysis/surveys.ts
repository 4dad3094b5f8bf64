import type { MemberHistory } from './types.js';

/**
 * Satisfaction and loyalty from the kiosk surveys:
 * - CSAT: share of 1..5 answers that are 4 or 5, in percent;
 * - NPS: percent promoters (9-10) minus percent detractors (0-6), -100..100.
 * Both come with their counts; null when nobody answered.
 */
export interface SurveyScores {
  csatAnswers: number;
  csatPercent: number | null;
  csatAverage: number | null;
  npsAnswers: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
}

export function surveyScores(members: readonly MemberHistory[], window?: { startMs: number; endMs: number }): SurveyScores {
  const csats: number[] = [];
  const recommends: number[] = [];
  for (const member of members) {
    for (const answer of member.surveys) {
      if (window && (answer.atMs < window.startMs || answer.atMs >= window.endMs)) continue;
      if (answer.csat !== undefined && Number.isInteger(answer.csat) && answer.csat >= 1 && answer.csat <= 5) csats.push(answer.csat);
      if (answer.recommend !== undefined && Number.isInteger(answer.recommend) && answer.recommend >= 0 && answer.recommend <= 10) recommends.push(answer.recommend);
    }
  }
  const promoters = recommends.filter((r) => r >= 9).length;
  const detractors = recommends.filter((r) => r <= 6).length;
  const round1 = (value: number): number => Math.round(value * 10) / 10;
  return {
    csatAnswers: csats.length,
    csatPercent: csats.length ? round1((csats.filter((c) => c >= 4).length / csats.length) * 100) : null,
    csatAverage: csats.length ? round1(csats.reduce((s, c) => s + c, 0) / csats.length) : null,
    npsAnswers: recommends.length,
    promoters,
    passives: recommends.length - promoters - detractors,
    detractors,
    nps: recommends.length ? Math.round(((promoters - detractors) / recommends.length) * 100) : null,
  };
}
