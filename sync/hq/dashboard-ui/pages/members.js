// Members search: by mobile (any digits, +98/0098/0), by name, by card id.

import { api } from '../api.js';
import { h, field, notice } from '../dom.js';
import { errorMessage, formatDigits, formatPoints, registerStrings, t } from '../i18n.js';
import { definePage, pageHash } from '../page.js';

registerStrings({
  fa: {
    'nav.members': 'اعضا و کارت‌ها',
    'members.title': 'جستجوی اعضا و کارت‌ها',
    'members.hint': 'شماره موبایل، نام یا شماره کارت را وارد کنید.',
    'members.placeholder': 'مثلاً ۰۹۱۲۱۲۳۴۵۶۷ یا زهرا محمدی',
    'members.search': 'جستجو',
    'members.none': 'عضوی با این مشخصات پیدا نشد.',
    'members.count': '{n} عضو پیدا شد',
    'members.more': 'نتایج بیشتری هم هست؛ جستجو را دقیق‌تر کنید.',
    'members.name': 'نام',
    'members.mobile': 'موبایل',
    'members.store': 'فروشگاه',
    'members.points': 'امتیاز',
    'members.cards': 'کارت‌ها',
    'members.matchedCard': 'با کارت {card}',
    'members.blocked': 'مسدود',
  },
  en: {
    'nav.members': 'Members & cards',
    'members.title': 'Find members and cards',
    'members.hint': 'Type a mobile number, a name or a card id.',
    'members.placeholder': 'e.g. 09121234567 or Zahra',
    'members.search': 'Search',
    'members.none': 'No member matches.',
    'members.count': '{n} members found',
    'members.more': 'There are more results; narrow the search.',
    'members.name': 'Name',
    'members.mobile': 'Mobile',
    'members.store': 'Store',
    'members.points': 'Points',
    'members.cards': 'Cards',
    'members.matchedCard': 'by card {card}',
    'members.blocked': 'blocked',
  },
});

/**
 * @typedef {object} MemberSummary
 * @property {string} id
 * @property {string} storeId
 * @property {string} name
 * @property {string} phone
 * @property {number} points
 * @property {Array<{id: string, status: string, kind: string}>} cards
 * @property {string|null} matchedCardId
 */

export default definePage({
  id: 'members',
  titleKey: 'nav.members',
  roles: ['manager', 'store-manager', 'support'],
  async render(container, ctx) {
    const query = ctx.params[0] ?? '';
    const results = h('div.results', { 'aria-live': 'polite' });
    const form = h(
      'form.search',
      { role: 'search' },
      h('input', { name: 'q', type: 'search', value: query, placeholder: t('members.placeholder'), 'aria-label': t('members.hint'), maxlength: 100, autocomplete: 'off', 'data-testid': 'members-search-input' }),
      h('button.btn.primary', { type: 'submit', 'data-testid': 'members-search-submit' }, t('members.search')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const q = field(form, 'q').trim();
      if (q) ctx.navigate(pageHash('members', q));
    });
    container.append(h('h1', null, t('members.title')), h('p.hint', null, t('members.hint')), form, results);
    if (!query) {
      /** @type {HTMLInputElement|null} */ (form.querySelector('input'))?.focus();
      return;
    }
    results.append(h('p.muted', null, t('app.loading')));
    try {
      const found = await api('GET', `/members?q=${encodeURIComponent(query)}&limit=50`);
      results.replaceChildren(renderResults(found.members, found.more, ctx.navigate));
    } catch (error) {
      results.replaceChildren(notice('error', errorMessage(error), 'members-error'));
    }
  },
});

/** @param {MemberSummary[]} members @param {boolean} more @param {(hash: string) => void} navigate */
function renderResults(members, more, navigate) {
  if (members.length === 0) return notice('info', t('members.none'), 'members-none');
  const rows = members.map((member) =>
    h(
      'tr.clickable',
      { 'data-testid': 'member-row', 'data-member-id': member.id, tabindex: '0', onclick: () => navigate(pageHash('member', member.id)), onkeydown: (/** @type {KeyboardEvent} */ event) => event.key === 'Enter' && navigate(pageHash('member', member.id)) },
      h('td', null, h('a', { href: pageHash('member', member.id) }, member.name), member.matchedCardId ? h('div.small.muted', null, t('members.matchedCard', { card: member.matchedCardId })) : null),
      h('td.ltr', null, formatDigits(member.phone)),
      h('td', null, member.storeId),
      h('td.num', null, formatPoints(member.points)),
      h('td', null, member.cards.map((card) => h(`span.chip${card.status === 'blocked' ? '.bad' : ''}`, { dir: 'ltr' }, card.id, card.status === 'blocked' ? ` · ${t('members.blocked')}` : ''))),
    ),
  );
  return h(
    'div',
    null,
    h('p.muted', null, t('members.count', { n: members.length })),
    h(
      'div.table-wrap',
      null,
      h('table.table', null, h('thead', null, h('tr', null, ['members.name', 'members.mobile', 'members.store', 'members.points', 'members.cards'].map((key) => h('th', null, t(key))))), h('tbody', null, rows)),
    ),
    more ? notice('info', t('members.more')) : null,
  );
}
