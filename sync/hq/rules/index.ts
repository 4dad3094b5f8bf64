/** Slice R of the dashboard: the `loyalty` rules document, its editor's API and its history. */
export { registerRulesRoutes } from './routes.js';
export { RULES_MIGRATIONS } from './migrations.js';
export { validateLoyaltyDraft, type DraftValidation, type FieldProblem } from './validate.js';
export { currentLoyalty, publishLoyalty, listVersions, LOYALTY_KIND } from './store.js';
export { previewRules, type PreviewResult } from './preview.js';
