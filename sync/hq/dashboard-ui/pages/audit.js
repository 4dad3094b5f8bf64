// The audit trail (managers): who did what to which member, card or user, newest first.

import { api } from '../api.js';
import { button, field, h, notice } from '../dom.js';
import { errorMessage, formatDateTime, registerStrings, t } from '../i18n.js';
import { definePage } from '../page.js';

registerStrings({
  fa: {
    'nav.audit': 'گزارش تغییرات',
    'audit.title': 'گزارش تغییرات',
    'audit.hint': 'هر تغییری که از داشبورد یا خط فرمان انجام شده، با نام انجام‌دهنده.',
    'audit.when': 'زمان',
    'audit.who': 'کاربر',
    'audit.action': 'کار',
    'audit.subject': 'موضوع',
    'audit.details': 'جزئیات',
    'audit.commandLine': 'خط فرمان',
    'audit.action.card.block': 'مسدود کردن کارت',
    'audit.action.member.adjust': 'اصلاح امتیاز',
    'audit.action.member.merge': 'ادغام اعضا',
    'audit.action.session.start': 'ورود',
    'audit.action.session.end': 'خروج',
    'audit.action.user.add': 'افزودن کاربر',
    'audit.action.user.disable': 'غیرفعال کردن کاربر',
    'audit.action.user.password': 'تغییر رمز کاربر',
    'audit.action.user.lockout': 'قفل شدن ورود',
    'audit.action.rules.publish': 'انتشار قوانین',
    'audit.action.rules.restore': 'بازگرداندن نسخه قوانین',
    'audit.action.fraud.close': 'بستن هشدار تقلب',
    'audit.action.fraud.reopen': 'بازگشایی هشدار تقلب',
    'audit.action.messages.announcement': 'ارسال اطلاعیه',
    'audit.action.messages.offer': 'ارسال پیشنهاد',
    'audit.action.lottery.open': 'آغاز قرعه‌کشی',
    'audit.action.lottery.draw': 'انجام قرعه‌کشی',
    'audit.filterAction': 'کار',
    'audit.filterUser': 'کاربر',
    'audit.allActions': 'همه کارها',
    'audit.filter': 'فیلتر',
    'audit.forMember': 'فقط تغییرات عضو {id}',
    'audit.clear': 'نمایش همه',
    'audit.none': 'تغییری با این فیلتر ثبت نشده است.',
  },
  en: {
    'nav.audit': 'Audit trail',
    'audit.title': 'Audit trail',
    'audit.hint': 'Every change made from the dashboard or the command line, and who made it.',
    'audit.when': 'When',
    'audit.who': 'User',
    'audit.action': 'Action',
    'audit.subject': 'Subject',
    'audit.details': 'Details',
    'audit.commandLine': 'command line',
    'audit.action.card.block': 'Card blocked',
    'audit.action.member.adjust': 'Points adjusted',
    'audit.action.member.merge': 'Members merged',
    'audit.action.session.start': 'Signed in',
    'audit.action.session.end': 'Signed out',
    'audit.action.user.add': 'User added',
    'audit.action.user.disable': 'User disabled',
    'audit.action.user.password': 'Password changed',
    'audit.action.user.lockout': 'Locked out',
    'audit.action.rules.publish': 'Rules published',
    'audit.action.rules.restore': 'Rules version restored',
    'audit.action.fraud.close': 'Fraud flag closed',
    'audit.action.fraud.reopen': 'Fraud flag reopened',
    'audit.action.messages.announcement': 'Announcement sent',
    'audit.action.messages.offer': 'Offer sent',
    'audit.action.lottery.open': 'Lottery opened',
    'audit.action.lottery.draw': 'Lottery drawn',
    'audit.filterAction': 'Action',
    'audit.filterUser': 'User',
    'audit.allActions': 'All actions',
    'audit.filter': 'Filter',
    'audit.forMember': 'Only changes to member {id}',
    'audit.clear': 'Show all',
    'audit.none': 'No change matches this filter.',
  },
});

/** @typedef {{id: number, atMs: number, username: string, role: string|null, action: string, subject: string, details: Record<string, unknown>}} AuditEntry */

/** @param {string} action */
const actionText = (action) => {
  const key = `audit.action.${action}`;
  const text = t(key);
  return text === key ? action : text;
};

/** @param {Record<string, unknown>} details */
const detailsText = (details) =>
  Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(' · ');

const KNOWN_ACTIONS = [
  'card.block', 'member.adjust', 'member.merge',
  'rules.publish', 'rules.restore', 'lottery.open', 'lottery.draw',
  'fraud.close', 'fraud.reopen', 'messages.announcement', 'messages.offer',
  'session.start', 'session.end', 'user.add', 'user.disable', 'user.password', 'user.lockout',
];

export default definePage({
  id: 'audit',
  titleKey: 'nav.audit',
  roles: ['manager'],
  async render(container, ctx) {
    // `#/audit/member/<id>`: the member page links here for that member's changes.
    const memberId = ctx.params[0] === 'member' ? (ctx.params[1] ?? '') : '';
    const body = h('tbody');
    const more = h('div.more');
    const status = h('div');
    /** @type {Record<string, string>} */
    let filter = memberId ? { memberId } : {};
    /** @param {number|null} beforeId */
    const load = async (beforeId) => {
      const query = new URLSearchParams({ limit: '50', ...filter, ...(beforeId ? { beforeId: String(beforeId) } : {}) });
      const page = await api('GET', `/audit?${query}`);
      for (const entry of /** @type {AuditEntry[]} */ (page.entries)) {
        body.append(
          h(
            'tr',
            { 'data-testid': 'audit-row', 'data-action': entry.action, 'data-subject': entry.subject },
            h('td', null, formatDateTime(entry.atMs)),
            h('td', null, entry.role ? entry.username : t('audit.commandLine'), entry.role ? h('div.small.muted', null, t(`role.${entry.role}`)) : null),
            h('td', null, actionText(entry.action)),
            h('td.ltr', null, entry.subject),
            h('td.small', null, detailsText(entry.details)),
          ),
        );
      }
      status.replaceChildren(body.children.length === 0 ? notice('info', t('audit.none')) : '');
      more.replaceChildren(
        page.nextBeforeId
          ? button(t('common.more'), async () => {
              await load(page.nextBeforeId).catch((error) => more.replaceChildren(notice('error', errorMessage(error))));
            }, 'secondary', { 'data-testid': 'audit-more' })
          : '',
      );
    };
    const form = h(
      'form.row.fields.filters',
      { novalidate: true },
      h('label', null, t('audit.filterAction'), h('select', { name: 'action', 'data-testid': 'audit-action' }, h('option', { value: '' }, t('audit.allActions')), KNOWN_ACTIONS.map((action) => h('option', { value: action }, actionText(action))))),
      h('label', null, t('audit.filterUser'), h('input', { name: 'username', dir: 'ltr', maxlength: 63, 'data-testid': 'audit-user' })),
      h('button.btn.secondary', { type: 'submit', 'data-testid': 'audit-filter' }, t('audit.filter')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const action = field(form, 'action');
      const username = field(form, 'username').trim().toLowerCase();
      filter = { ...(memberId ? { memberId } : {}), ...(action ? { action } : {}), ...(username ? { username } : {}) };
      body.replaceChildren();
      await load(null).catch((error) => status.replaceChildren(notice('error', errorMessage(error))));
    });
    await load(null);
    container.append(
      h('h1', null, t('audit.title')),
      h('p.hint', null, t('audit.hint')),
      memberId ? h('p', null, t('audit.forMember', { id: memberId }), ' · ', h('a', { href: '#/audit' }, t('audit.clear'))) : '',
      form,
      status,
      h('div.table-wrap', null, h('table.table', { 'data-testid': 'audit-table' }, h('thead', null, h('tr', null, ['audit.when', 'audit.who', 'audit.action', 'audit.subject', 'audit.details'].map((key) => h('th', null, t(key))))), body)),
      more,
    );
  },
});
