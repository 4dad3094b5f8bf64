// One member: profile, balances, cards (block), adjustments and merges with their delivery
// state, and the points history page by page.

import './member-strings.js';
import { api } from '../api.js';
import { button, h, notice } from '../dom.js';
import { errorMessage, formatDate, formatDateTime, formatDigits, formatNumber, formatPoints, t } from '../i18n.js';
import { definePage, pageHash } from '../page.js';
import { adjustSection, blockPanel, mergeSection } from './member-actions.js';

/**
 * @typedef {object} MemberDetail
 * @property {{id: string, storeId: string, name: string, phone: string, birthday: string|null, smsConsent: boolean, createdAtMs: number, balances: Record<string, number>}} member
 * @property {Array<{id: string, kind: string, status: string, linkedAtMs: number, blockedAtMs: number|null, blockReason: string|null}>} cards
 * @property {Array<{directiveId: string, kind: string, points: number|null, reason: string|null, mergedMemberId: string|null, requestedBy: string, state: string, failureMessage: string|null, createdAtMs: number, settledAtMs: number|null}>} directives
 */

/** @typedef {{id: string, atMs: number, deviceId: string, direction: 'in'|'out', amount: number, unit: string, reason: string, memo: string|null}} Transfer */

export default definePage({
  id: 'member',
  titleKey: 'member.title',
  roles: ['manager', 'store-manager', 'support'],
  hidden: true,
  async render(container, ctx) {
    const memberId = ctx.params[0] ?? '';
    /** @param {HTMLElement|null} flash */
    const draw = async (flash) => {
      /** @type {MemberDetail} */
      const detail = await api('GET', `/members/${encodeURIComponent(memberId)}`);
      const reload = (/** @type {HTMLElement} */ message) => void draw(message).catch((error) => container.replaceChildren(notice('error', errorMessage(error), 'page-error')));
      const actions = h('div.action-slot');
      const historySection = await history(memberId);
      container.replaceChildren(
        h(
          'div.member',
          { 'data-member-id': detail.member.id },
          h(
          'div.links',
          null,
          h('a.back', { href: '#/members' }, t('member.back')),
          ctx.user.role === 'manager' ? h('a', { href: pageHash('audit', 'member', detail.member.id), 'data-testid': 'member-audit' }, t('member.audit')) : null,
        ),
          flash,
          profile(detail),
          cards(detail, actions, reload),
          actions,
          ctx.user.role === 'manager' || ctx.user.role === 'store-manager' ? adjustSection(detail.member.id, ctx.user.role, reload) : null,
          ctx.user.role === 'manager' ? mergeSection(detail.member, reload) : null,
          directives(detail),
          historySection,
        ),
      );
    };
    await draw(null);
  },
});

/** @param {MemberDetail} detail */
function profile(detail) {
  const { member } = detail;
  const otherBalances = Object.entries(member.balances).filter(([purpose]) => purpose !== 'points' && purpose !== 'pending');
  const facts = [
    [t('member.mobile'), h('span.ltr', { 'data-testid': 'member-phone' }, formatDigits(member.phone))],
    [t('member.store'), member.storeId],
    [t('member.joined'), formatDate(member.createdAtMs)],
    member.birthday ? [t('member.birthday'), formatDigits(member.birthday)] : null,
    [t('member.sms'), member.smsConsent ? t('member.smsYes') : t('member.smsNo')],
  ].filter((fact) => fact !== null);
  return h(
    'section.card.profile',
    null,
    h(
      'div.profile-head',
      null,
      h('h1', { 'data-testid': 'member-name' }, member.name),
      h(
        'div.points-block',
        null,
        h('div.points', { 'data-testid': 'member-points' }, formatPoints(member.balances.points ?? 0)),
        // Points still inside the return window are the member's too, only not yet spendable:
        // a manager reading "0" right after a purchase would think the kiosk lost them.
        (member.balances.pending ?? 0) > 0 ? h('div.muted', { 'data-testid': 'member-pending' }, t('member.pendingPoints', { points: member.balances.pending ?? 0 })) : null,
      ),
    ),
    h('dl.facts', null, facts.map(([label, value]) => h('div.fact', null, h('dt', null, label), h('dd', null, value)))),
    otherBalances.length > 0
      ? h('p.muted', null, `${t('member.balances')}: `, otherBalances.map(([purpose, balance]) => `${purposeName(purpose)} ${formatNumber(balance)}`).join(' · '))
      : null,
  );
}

/** A balance's purpose in the reader's language; an unknown one as it is stored. @param {string} purpose */
function purposeName(purpose) {
  const key = `member.purpose.${purpose}`;
  const name = t(key);
  return name === key ? purpose : name;
}

/**
 * Every role may block a card (contract), so the button shows for all.
 * @param {MemberDetail} detail @param {HTMLElement} slot  where the block form opens
 * @param {(message: HTMLElement) => void} reload
 */
function cards(detail, slot, reload) {
  const rows = detail.cards.map((card) =>
    h(
      'tr',
      { 'data-testid': 'card-row', 'data-card-id': card.id },
      h('td.ltr', null, card.id),
      h('td', null, h(`span.badge.${card.status === 'blocked' ? 'bad' : 'ok'}`, { 'data-testid': 'card-status' }, t(`member.status.${card.status}`)), card.blockReason ? h('div.small.muted', null, card.blockReason) : null),
      h('td', null, formatDate(card.linkedAtMs)),
      h('td', null, card.status === 'blocked' ? null : button(t('member.block'), () => slot.replaceChildren(blockPanel(card.id, () => slot.replaceChildren(), reload)), 'danger', { 'data-testid': 'card-block', 'data-card-id': card.id })),
    ),
  );
  return h(
    'section.card',
    null,
    h('h2', null, t('member.cards')),
    detail.cards.length === 0
      ? h('p.muted', null, t('common.none'))
      : h('div.table-wrap', null, h('table.table', null, h('thead', null, h('tr', null, h('th', null, t('member.card')), h('th', null, t('member.cardStatus')), h('th', null, t('member.linked')), h('th'))), h('tbody', null, rows))),
  );
}

/** @param {MemberDetail} detail */
function directives(detail) {
  if (detail.directives.length === 0) return null;
  return h(
    'section.card',
    { 'data-testid': 'directives' },
    h('h2', null, t('member.directives')),
    h(
      'ul.timeline',
      null,
      detail.directives.map((directive) =>
        h(
          'li',
          { 'data-testid': 'directive', 'data-state': directive.state },
          h(`span.badge.state-${directive.state}`, null, t(`member.state.${directive.state}`)),
          ' ',
          h('strong', null, t(`member.directive.${directive.kind}`)),
          directive.points !== null ? h('span.num', { dir: 'ltr' }, ` ${directive.points > 0 ? '+' : ''}${formatNumber(directive.points)}`) : null,
          directive.reason ? ` — ${directive.reason}` : null,
          directive.mergedMemberId ? h('span.ltr', null, ` ← ${directive.mergedMemberId}`) : null,
          h('div.small.muted', null, `${formatDateTime(directive.createdAtMs)} · ${t('member.requestedBy', { who: directive.requestedBy })}`, directive.failureMessage ? ` · ${directive.failureMessage}` : ''),
        ),
      ),
    ),
  );
}

/** @param {string} reason */
const reasonText = (reason) => {
  const key = `member.reason.${reason}`;
  const text = t(key);
  return text === key ? reason : text;
};

/** The history table with a "more" button that appends the next page. @param {string} memberId */
async function history(memberId) {
  const body = h('tbody');
  const more = h('div.more');
  /** @param {string|null} before */
  const load = async (before) => {
    const page = await api('GET', `/members/${encodeURIComponent(memberId)}/transfers?limit=20${before ? `&before=${encodeURIComponent(before)}` : ''}`);
    for (const transfer of /** @type {Transfer[]} */ (page.transfers)) {
      body.append(
        h(
          'tr',
          { 'data-testid': 'transfer-row' },
          h('td', null, formatDateTime(transfer.atMs)),
          h('td', null, reasonText(transfer.reason), transfer.memo ? h('div.small.muted', null, transfer.memo) : null),
          h(`td.num.${transfer.direction === 'in' ? 'plus' : 'minus'}`, { dir: 'ltr' }, `${transfer.direction === 'in' ? '+' : '−'}${formatNumber(transfer.amount)}`),
          h('td.ltr.small', null, transfer.deviceId),
        ),
      );
    }
    more.replaceChildren(
      page.next
        ? button(t('common.more'), async (event) => {
            /** @type {HTMLButtonElement} */ (event.currentTarget).disabled = true;
            await load(page.next).catch((error) => more.replaceChildren(notice('error', errorMessage(error))));
          }, 'secondary', { 'data-testid': 'transfers-more' })
        : '',
    );
  };
  await load(null);
  return h(
    'section.card',
    null,
    h('h2', null, t('member.history')),
    body.children.length === 0
      ? h('p.muted', null, t('common.none'))
      : h('div.table-wrap', null, h('table.table', null, h('thead', null, h('tr', null, ['member.when', 'member.what', 'member.amount', 'member.device'].map((key) => h('th', null, t(key))))), body)),
    more,
  );
}

