/** The head office's analyses: pure functions of a ClubHistory snapshot. */
export * from './types.js';
export { rfm, segmentOf, mostValuable, type RfmRow, type RfmSegment, type RfmOptions } from './rfm.js';
export { inactiveMembers, churnRisk, churnRanking, type ChurnRisk, type ChurnReason, type InactiveMember } from './churn.js';
export { liftAgainstPeriod, liftAgainstControl, figures, type CampaignLift, type GroupFigures, type Window } from './campaign.js';
export { surveyScores, type SurveyScores } from './surveys.js';
export { fraudFlags, applyReviews, flagId, distanceKm, DEFAULT_FRAUD_OPTIONS, type Flag, type FlagReview, type FraudOptions } from './fraud.js';
export { FlagReviewStore, ANALYSIS_MIGRATIONS } from './reviews-store.js';
export { transactionsCsv, balancesCsv, toCsv, parseCsv, csvField, type TransactionRow, type BalanceRow } from './csv.js';
