/** Insight (slice I of issue #7): charts, analyses, fraud flags, exports, fleet and messages for the dashboard. */
export { registerInsightRoutes } from './routes.js';
export { INSIGHT_MIGRATIONS } from './migrations.js';
export { loadClubHistory, type LoadedHistory, type LoadOptions } from './loader.js';
export { chartSeries, type ChartSeries } from './series.js';
export { startMessagesRuntime, loadMessagesConfig, messagesRuntimeFor, type MessagesRuntime } from './messages-runtime.js';
