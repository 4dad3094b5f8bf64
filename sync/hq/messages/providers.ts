import type { MessagesConfig } from './config.js';
import { HttpSmsGateway } from './sms-gateway.js';
import { SmtpProvider } from './smtp-client.js';
import type { Channel, MessageProvider } from './types.js';

/** The providers the configuration names; a channel without one is simply not sent. */
export function providersFromConfig(config: MessagesConfig): Partial<Record<Channel, MessageProvider>> {
  return {
    ...(config.smsGateway && { sms: new HttpSmsGateway(config.smsGateway) }),
    ...(config.smtp && { email: new SmtpProvider(config.smtp) }),
  };
}
