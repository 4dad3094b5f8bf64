// The SMS and e-mail outbox: each message's state, attempts and next retry; and, for managers,
// the composer of announcements and offers to a segment. Consent and quiet hours are honoured
// when the head office sends; nothing is sent twice.

import { api } from '../api.js';
import { button, h, notice } from '../dom.js';
import { errorMessage, formatDateTime, formatDigits, formatNumber, registerStrings, t } from '../i18n.js';
import { definePage } from '../page.js';
import { tile, useInsightStyles } from './insight-kit.js';

const STATES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'];
const SEGMENTS = ['all', 'inactive', 'churn', 'valuable', 'rfm:champions', 'rfm:loyal', 'rfm:at_risk', 'rfm:cannot_lose', 'rfm:hibernating', 'rfm:new'];

registerStrings({
  fa: {
    'nav.messages': 'پیامک و ایمیل',
    'messages.title': 'صندوق ارسال پیامک و ایمیل',
    'messages.hint': 'تبریک تولد و سالگرد ازدواج، مناسبت‌ها، اطلاعیه‌ها و پیشنهادها؛ فقط برای اعضایی که رضایت داده‌اند و خارج از ساعات سکوت ({start} تا {end}).',
    'messages.noProvider': 'هیچ سرویس پیامک یا ایمیلی تنظیم نشده؛ پیام‌ها در صف می‌مانند تا سرویسی تنظیم شود.',
    'messages.state.queued': 'در صف',
    'messages.state.sending': 'در حال ارسال',
    'messages.state.sent': 'ارسال‌شده',
    'messages.state.delivered': 'تحویل‌شده',
    'messages.state.failed': 'ناموفق',
    'messages.state.cancelled': 'لغوشده',
    'messages.when': 'ایجاد',
    'messages.to': 'گیرنده',
    'messages.occasion': 'مناسبت',
    'messages.state': 'وضعیت',
    'messages.attempts': 'تلاش‌ها',
    'messages.next': 'تلاش بعدی',
    'messages.error': 'آخرین خطا',
    'messages.text': 'متن',
    'messages.compose': 'ارسال به گروهی از اعضا',
    'messages.kind': 'نوع',
    'messages.kind.announcement': 'اطلاعیه',
    'messages.kind.offer': 'پیشنهاد ویژه',
    'messages.segment': 'گروه اعضا',
    'messages.segment.all': 'همه اعضا',
    'messages.segment.inactive': 'غیرفعال‌ها (۶۰ روز)',
    'messages.segment.churn': 'در خطر ریزش',
    'messages.segment.valuable': '۱۰۰ عضو باارزش',
    'messages.segment.rfm:champions': 'قهرمانان',
    'messages.segment.rfm:loyal': 'وفاداران',
    'messages.segment.rfm:at_risk': 'در خطر',
    'messages.segment.rfm:cannot_lose': 'نباید از دست بروند',
    'messages.segment.rfm:hibernating': 'خواب‌رفته',
    'messages.segment.rfm:new': 'تازه‌واردها',
    'messages.size': '{members} عضو، {consenting} نفر رضایت پیامک دارند',
    'messages.body': 'متن پیامک',
    'messages.body.hint': '{name} با نام عضو جایگزین می‌شود.',
    'messages.send': 'افزودن به صف ارسال',
    'messages.queued': '{queued} پیام در صف قرار گرفت.',
    'messages.empty': 'متن پیام را بنویسید.',
    'messages.none': 'صندوق خالی است.',
    'messages.offer': 'پیشنهاد',
    'messages.announcement': 'اطلاعیه',
  },
  en: {
    'nav.messages': 'SMS & e-mail',
    'messages.title': 'SMS and e-mail outbox',
    'messages.hint': 'Birthdays, wedding anniversaries, occasions, announcements and offers; only to members who consented, outside quiet hours ({start} to {end}).',
    'messages.noProvider': 'No SMS or e-mail provider is configured; messages wait in the queue until one is.',
    'messages.state.queued': 'queued',
    'messages.state.sending': 'sending',
    'messages.state.sent': 'sent',
    'messages.state.delivered': 'delivered',
    'messages.state.failed': 'failed',
    'messages.state.cancelled': 'cancelled',
    'messages.when': 'Created',
    'messages.to': 'To',
    'messages.occasion': 'Occasion',
    'messages.state': 'State',
    'messages.attempts': 'Attempts',
    'messages.next': 'Next attempt',
    'messages.error': 'Last error',
    'messages.text': 'Text',
    'messages.compose': 'Message a group of members',
    'messages.kind': 'Kind',
    'messages.kind.announcement': 'Announcement',
    'messages.kind.offer': 'Special offer',
    'messages.segment': 'Members',
    'messages.segment.all': 'All members',
    'messages.segment.inactive': 'Inactive (60 days)',
    'messages.segment.churn': 'At risk of leaving',
    'messages.segment.valuable': '100 most valuable',
    'messages.segment.rfm:champions': 'Champions',
    'messages.segment.rfm:loyal': 'Loyal',
    'messages.segment.rfm:at_risk': 'At risk',
    'messages.segment.rfm:cannot_lose': 'Cannot lose',
    'messages.segment.rfm:hibernating': 'Hibernating',
    'messages.segment.rfm:new': 'New',
    'messages.size': '{members} members, {consenting} accept SMS',
    'messages.body': 'SMS text',
    'messages.body.hint': '{name} is replaced by the member name.',
    'messages.send': 'Queue for sending',
    'messages.queued': '{queued} messages queued.',
    'messages.empty': 'Write the message text.',
    'messages.none': 'The outbox is empty.',
    'messages.offer': 'offer',
    'messages.announcement': 'announcement',
  },
});

/**
 * @typedef {object} OutboxItem
 * @property {number} id
 * @property {string} channel
 * @property {string} recipient
 * @property {string} occasion
 * @property {string} state
 * @property {number} attempts
 * @property {number} attemptsMax
 * @property {number} nextAttemptAtMs
 * @property {string|null} lastError
 * @property {number} createdAtMs
 * @property {string} preview
 * @typedef {{counts: Record<string, number>, messages: OutboxItem[], channels: string[], quietHours: {start: string, end: string}}} Outbox
 */

export default definePage({
  id: 'messages',
  titleKey: 'nav.messages',
  roles: ['manager', 'support'],
  async render(container, ctx) {
    useInsightStyles();
    const outboxView = h('div');
    const load = async () => {
      /** @type {Outbox} */
      const outbox = await api('GET', '/insight/messages?limit=100');
      outboxView.replaceChildren(
        h('p.hint', null, t('messages.hint', { start: formatDigits(outbox.quietHours.start), end: formatDigits(outbox.quietHours.end) })),
        outbox.channels.length ? '' : notice('info', t('messages.noProvider'), 'messages-no-provider'),
        h('div.tiles', null, STATES.map((state) => tile(`count-${state}`, t(`messages.state.${state}`), formatNumber(outbox.counts[state] ?? 0), state === 'failed' ? 'bad' : state === 'delivered' || state === 'sent' ? 'ok' : ''))),
        table(outbox.messages),
      );
    };
    container.append(h('h1', null, t('messages.title')), ctx.user.role === 'manager' ? composer(load) : '', outboxView);
    await load();
  },
});

/** @param {string} occasion */
function occasionText(occasion) {
  const [kind, id] = occasion.split(':');
  // The campaign id is the composer's random request id: its start tells campaigns apart.
  if ((kind === 'offer' || kind === 'announcement') && id) return `${t(`messages.${kind}`)} ${id.slice(0, 8)}`;
  return occasion;
}

/** @param {OutboxItem[]} messages */
function table(messages) {
  if (messages.length === 0) return notice('info', t('messages.none'));
  return h('div.table-wrap', null, h('table.table', { 'data-testid': 'outbox-table' },
    h('thead', null, h('tr', null, ['messages.when', 'messages.to', 'messages.occasion', 'messages.state', 'messages.attempts', 'messages.next', 'messages.error', 'messages.text'].map((key) => h('th', null, t(key))))),
    h('tbody', null, messages.map((m) => h('tr', { 'data-testid': 'outbox-row', 'data-state': m.state },
      h('td', null, formatDateTime(m.createdAtMs)),
      h('td.ltr', null, `${m.channel} ${m.recipient}`),
      h('td', null, occasionText(m.occasion)),
      h('td', null, h(`span.badge.state-${m.state}`, null, t(`messages.state.${m.state}`))),
      h('td.num', null, `${formatNumber(m.attempts)} / ${formatNumber(m.attemptsMax)}`),
      h('td', null, m.state === 'queued' ? formatDateTime(m.nextAttemptAtMs) : '—'),
      h('td.small', null, m.lastError ?? ''),
      h('td.small', null, m.preview))))));
}

/** @param {() => Promise<void>} reload */
function composer(reload) {
  const message = h('div.message');
  const size = h('span.small.muted', { 'data-testid': 'segment-size' });
  const kind = /** @type {HTMLSelectElement} */ (h('select', { name: 'kind', 'data-testid': 'compose-kind' }, ['announcement', 'offer'].map((k) => h('option', { value: k }, t(`messages.kind.${k}`)))));
  const segment = /** @type {HTMLSelectElement} */ (h('select', { name: 'segment', 'data-testid': 'compose-segment' }, SEGMENTS.map((s) => h('option', { value: s }, t(`messages.segment.${s}`)))));
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'text', rows: 3, maxlength: 700, 'data-testid': 'compose-text' }));
  let requestId = crypto.randomUUID();
  const showSize = async () => {
    size.textContent = '…';
    try {
      const answer = await api('GET', `/insight/messages/segment?segment=${encodeURIComponent(segment.value)}`);
      size.textContent = t('messages.size', { members: answer.members, consenting: answer.consenting });
    } catch (error) {
      size.textContent = errorMessage(error);
    }
  };
  segment.addEventListener('change', () => void showSize());
  text.addEventListener('input', () => { requestId = crypto.randomUUID(); });
  void showSize();
  const send = button(t('messages.send'), async () => {
    if (text.value.trim() === '') return message.replaceChildren(notice('error', t('messages.empty')));
    send.setAttribute('disabled', '');
    try {
      const answer = await api('POST', '/insight/messages/campaigns', { requestId, kind: kind.value, segment: segment.value, text: text.value.trim() });
      message.replaceChildren(notice('ok', t('messages.queued', { queued: answer.queued }), 'compose-done'));
      await reload();
    } catch (error) {
      message.replaceChildren(notice('error', errorMessage(error)));
    } finally {
      send.removeAttribute('disabled');
    }
  }, 'primary', { 'data-testid': 'compose-send' });
  return h('section.card.composer', { 'data-testid': 'composer' },
    h('h2', null, t('messages.compose')),
    h('div.row.fields', null, h('label.narrow', null, t('messages.kind'), kind), h('label.grow', null, t('messages.segment'), segment)),
    size,
    h('label', null, t('messages.body'), text, h('span.small.muted', null, t('messages.body.hint'))),
    h('div.row', null, send),
    message);
}
