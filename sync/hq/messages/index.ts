/** The head office's outbox of SMS and e-mail (see dispatcher.ts for the delivery rules). */
export * from './types.js';
export { MessagesConfigSchema, parseMessagesConfig, type MessagesConfig, type SmsGatewayConfig, type SmtpConfig } from './config.js';
export { MESSAGES_MIGRATIONS } from './migration.js';
export type { OutboxStore } from './store.js';
export { SqlOutboxStore } from './sql-store.js';
export { Dispatcher, backoffDelayMs, INTERRUPTED_REASON, type DispatchSummary } from './dispatcher.js';
export { planOccasions, planCampaign, enqueueAll, type Recipient } from './planner.js';
export { providersFromConfig } from './providers.js';
export { HttpSmsGateway, normaliseIranMobile } from './sms-gateway.js';
export { SmtpProvider } from './smtp-client.js';
export { jalaliOf, afterQuietHours } from './calendar.js';
