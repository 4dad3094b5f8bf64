import { Type, type Static } from 'typebox';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ConfigError, describeSchemaErrors } from '../../../firmware/src/config/load.js';

/**
 * The head office's `messages` section. Every field has a default, so `{}` is a working
 * configuration that queues messages but has no provider (nothing leaves the building).
 */
const Templates = Type.Object(
  {
    sms: Type.String({ minLength: 1, maxLength: 700, description: 'SMS text; {name} is replaced by the member name.' }),
    emailSubject: Type.String({ minLength: 1, maxLength: 200 }),
    emailBody: Type.String({ minLength: 1, maxLength: 20_000 }),
  },
  { additionalProperties: false },
);

export const OccasionSchema = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }),
    jalaliMonth: Type.Integer({ minimum: 1, maximum: 12 }),
    jalaliDay: Type.Integer({ minimum: 1, maximum: 31 }),
    /** Religious days follow the lunar calendar and move each Jalali year: list them per year. */
    jalaliYear: Type.Optional(Type.Integer({ minimum: 1390, maximum: 1500 })),
    templates: Templates,
  },
  { additionalProperties: false },
);

export const SmsGatewaySchema = Type.Object(
  {
    /** URL with {placeholders}: {recipient} {body} {reference} {sender} {apiKey}, URL-encoded. */
    urlTemplate: Type.String({ pattern: '^https?://', maxLength: 1000 }),
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST')], { default: 'POST' }),
    headers: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 1000 }), { default: {} }),
    /** Request body with the same placeholders, escaped for `bodyEncoding`. */
    bodyTemplate: Type.Optional(Type.String({ maxLength: 5000 })),
    bodyEncoding: Type.Union([Type.Literal('json'), Type.Literal('form')], { default: 'json' }),
    apiKey: Type.String({ maxLength: 500, default: '' }),
    sender: Type.String({ maxLength: 50, default: '' }),
    successStatuses: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { default: [200, 201, 202], maxItems: 20 }),
    /** Dotted path into the JSON reply that must equal `successValue` (e.g. Kavenegar: return.status = 200). */
    successJsonPath: Type.Optional(Type.String({ maxLength: 200 })),
    successValue: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
    /** Dotted path to the gateway's message id (e.g. entries.0.messageid). */
    messageIdJsonPath: Type.Optional(Type.String({ maxLength: 200 })),
    /**
     * True only when the gateway refuses a second message with the same {reference}; then a
     * send interrupted by a crash is retried safely. Otherwise it is marked failed for review.
     */
    dedupesReference: Type.Boolean({ default: false }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 15_000 }),
  },
  { additionalProperties: false },
);

export const SmtpSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
    /** 'implicit' = TLS from the first byte (port 465); 'starttls' = upgrade, required; 'none' only for a local relay. */
    security: Type.Union([Type.Literal('implicit'), Type.Literal('starttls'), Type.Literal('none')], { default: 'starttls' }),
    username: Type.Optional(Type.String({ maxLength: 255 })),
    password: Type.Optional(Type.String({ maxLength: 255 })),
    from: Type.String({ pattern: '^[^\\s<>@]+@[^\\s<>@]+$', maxLength: 255 }),
    fromName: Type.String({ maxLength: 100, default: 'باشگاه مشتریان' }),
    /** Name announced in EHLO and the domain of Message-IDs. */
    clientName: Type.String({ pattern: '^[A-Za-z0-9.-]{1,253}$', default: 'bashgah.local' }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 30_000 }),
    rejectUnauthorized: Type.Boolean({ default: true }),
    /** PEM file of the CA that signed the server's certificate (a company's own mail server). */
    caFile: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const MessagesConfigSchema = Type.Object(
  {
    timeZone: Type.String({ default: 'Asia/Tehran', maxLength: 64 }),
    quietHours: Type.Object(
      {
        /** Local time (HH:MM) from which nothing is sent… */
        start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '22:00' }),
        /** …until this local time. */
        end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '09:00' }),
        channels: Type.Array(Type.Union([Type.Literal('sms'), Type.Literal('email')]), { default: ['sms', 'email'], maxItems: 2 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Local time at which occasion messages are due on their day. */
    occasionSendTime: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '10:00' }),
    attemptsMax: Type.Integer({ minimum: 1, maximum: 20, default: 6 }),
    backoffInitialMs: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 60_000 }),
    backoffMaxMs: Type.Integer({ minimum: 10, maximum: 86_400_000, default: 3_600_000 }),
    batchSize: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    pollIntervalMs: Type.Integer({ minimum: 50, maximum: 600_000, default: 15_000 }),
    birthday: Type.Object(Templates.properties, {
      additionalProperties: false,
      default: { sms: '{name} عزیز، زادروزتان خجسته باد! هدیه‌ای در باشگاه منتظر شماست.', emailSubject: 'تولدتان مبارک، {name}', emailBody: '{name} عزیز،\nزادروزتان خجسته باد! هدیه‌ای در باشگاه منتظر شماست.' },
    }),
    anniversary: Type.Object(Templates.properties, {
      additionalProperties: false,
      default: { sms: '{name} عزیز، سالروز ازدواجتان مبارک!', emailSubject: 'سالروز ازدواجتان مبارک، {name}', emailBody: '{name} عزیز،\nسالروز ازدواجتان مبارک!' },
    }),
    occasions: Type.Array(OccasionSchema, {
      maxItems: 200,
      default: [
        { key: 'nowruz', jalaliMonth: 1, jalaliDay: 1, templates: { sms: '{name} عزیز، نوروزتان پیروز!', emailSubject: 'نوروز مبارک، {name}', emailBody: '{name} عزیز،\nسال نو مبارک! نوروزتان پیروز.' } },
        { key: 'yalda', jalaliMonth: 9, jalaliDay: 30, templates: { sms: '{name} عزیز، شب یلدا مبارک!', emailSubject: 'یلدا مبارک، {name}', emailBody: '{name} عزیز،\nشب یلدایتان گرم و روشن.' } },
      ],
    }),
    smtp: Type.Optional(SmtpSchema),
    smsGateway: Type.Optional(SmsGatewaySchema),
  },
  { additionalProperties: false },
);

export type MessagesConfig = Static<typeof MessagesConfigSchema>;
export type SmsGatewayConfig = Static<typeof SmsGatewaySchema>;
export type SmtpConfig = Static<typeof SmtpSchema>;
export type OccasionConfig = Static<typeof OccasionSchema>;
export type MessageTemplates = Static<typeof Templates>;

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
addFormats(ajv);
const validate = ajv.compile<MessagesConfig>(MessagesConfigSchema);

/** Validates the section and fills defaults (on a copy). Throws ConfigError. */
export function parseMessagesConfig(input: unknown, source = 'messages configuration'): MessagesConfig {
  const copy: unknown = structuredClone(input ?? {});
  if (!validate(copy)) throw new ConfigError(source, describeSchemaErrors(validate.errors));
  return copy;
}
