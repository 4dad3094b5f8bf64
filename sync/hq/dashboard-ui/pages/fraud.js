// Fraud and anomaly flags: tap and redemption velocity, one card at two stores minutes apart,
// unusual staff adjustments, offline spends that conflicted after sync. Each can be reviewed
// and closed with a note (audited); support reads them.

import { api } from '../api.js';
import { button, h, notice } from '../dom.js';
import { errorMessage, formatDateTime, formatNumber, lang, registerStrings, t } from '../i18n.js';
import { definePage, pageHash } from '../page.js';
import { tile, useInsightStyles, windowPicker } from './insight-kit.js';

registerStrings({
  fa: {
    'nav.fraud': 'هشدارهای تقلب',
    'fraud.title': 'هشدارهای تقلب و ناهنجاری',
    'fraud.hint': 'هر هشدار را بررسی کنید و با یادداشت ببندید؛ همه بستن‌ها در گزارش تغییرات ثبت می‌شود.',
    'fraud.open': 'باز',
    'fraud.closed': 'بسته‌شده',
    'fraud.all': 'همه',
    'fraud.openCount': 'هشدار باز',
    'fraud.closedCount': 'بسته‌شده',
    'fraud.kind.tap_velocity': 'استفاده پیاپی از کارت',
    'fraud.kind.redemption_velocity': 'دریافت پیاپی جایزه',
    'fraud.kind.card_two_stores': 'یک کارت در دو فروشگاه',
    'fraud.kind.staff_adjustment_outlier': 'اصلاح امتیاز غیرعادی کارمند',
    'fraud.kind.offline_conflict': 'خرج آفلاین ناسازگار',
    'fraud.subject.card': 'کارت {subject}',
    'fraud.subject.member': 'عضو {subject}',
    'fraud.subject.staff': 'کارمند {subject}',
    'fraud.subject.device': 'دستگاه {subject}',
    'fraud.note': 'یادداشت بررسی',
    'fraud.notePlaceholder': 'مثلاً: همسر عضو با کارت دوم خرید کرده است',
    'fraud.close': 'بستن هشدار',
    'fraud.reopen': 'باز کردن دوباره',
    'fraud.noteNeeded': 'برای بستن هشدار یک یادداشت بنویسید.',
    'fraud.closedBy': 'بسته شد {when}',
    'fraud.member': 'صفحه عضو',
    'fraud.none': 'هشداری در این بازه نیست.',
    'fraud.minutesApart': '{minutesApart} دقیقه بعد',
  },
  en: {
    'nav.fraud': 'Fraud flags',
    'fraud.title': 'Fraud and anomaly flags',
    'fraud.hint': 'Review each flag and close it with a note; every close is in the audit trail.',
    'fraud.open': 'Open',
    'fraud.closed': 'Closed',
    'fraud.all': 'All',
    'fraud.openCount': 'open flags',
    'fraud.closedCount': 'closed',
    'fraud.kind.tap_velocity': 'Card used in quick succession',
    'fraud.kind.redemption_velocity': 'Rewards taken in quick succession',
    'fraud.kind.card_two_stores': 'One card at two stores',
    'fraud.kind.staff_adjustment_outlier': 'Unusual staff adjustments',
    'fraud.kind.offline_conflict': 'Offline spend conflicted',
    'fraud.subject.card': 'card {subject}',
    'fraud.subject.member': 'member {subject}',
    'fraud.subject.staff': 'staff {subject}',
    'fraud.subject.device': 'device {subject}',
    'fraud.note': 'Review note',
    'fraud.notePlaceholder': "e.g. the member's spouse shops with the second card",
    'fraud.close': 'Close flag',
    'fraud.reopen': 'Reopen',
    'fraud.noteNeeded': 'Write a note to close the flag.',
    'fraud.closedBy': 'closed {when}',
    'fraud.member': 'Member page',
    'fraud.none': 'No flags in this period.',
    'fraud.minutesApart': '{minutesApart} min later',
  },
});

/**
 * @typedef {{atMs: number, storeId?: string, [field: string]: string|number|undefined}} Evidence
 * @typedef {object} FlagView
 * @property {string} id
 * @property {string} kind
 * @property {'card'|'member'|'staff'|'device'} subjectKind
 * @property {string} subject
 * @property {string|null} memberId
 * @property {string[]} storeIds
 * @property {number} atMs
 * @property {string} reason
 * @property {Evidence[]} evidence
 * @property {{state: 'open'|'closed', note?: string, byUserId?: string, atMs?: number}} review
 */

const DAY_MS = 86_400_000;

export default definePage({
  id: 'fraud',
  titleKey: 'nav.fraud',
  roles: ['manager', 'store-manager', 'support'],
  async render(container, ctx) {
    useInsightStyles();
    const canReview = ctx.user.role !== 'support';
    let days = 90;
    /** @type {'open'|'closed'|''} */
    let state = 'open';
    const picker = h('span');
    const filter = h('span');
    const tiles = h('div');
    const list = h('div', { 'data-testid': 'flag-list' });
    container.append(h('div.insight-head', null, h('h1', null, t('fraud.title')), h('div.controls', null, filter, picker)), h('p.hint', null, t('fraud.hint')), tiles, list);

    const load = async () => {
      picker.replaceChildren(windowPicker(days, (next) => { days = next; void load(); }));
      filter.replaceChildren(h('div.segmented', { role: 'group' }, /** @type {Array<['open'|'closed'|'', string]>} */ ([['open', 'fraud.open'], ['closed', 'fraud.closed'], ['', 'fraud.all']]).map(([value, key]) =>
        h('button.btn.secondary' + (state === value ? '.active' : ''), { type: 'button', 'data-testid': `flags-${value || 'all'}`, 'aria-pressed': state === value ? 'true' : 'false', onclick: () => { state = value; void load(); } }, t(key)))));
      const toMs = Date.now();
      const range = { fromMs: toMs - days * DAY_MS, toMs };
      /** @type {{flags: FlagView[]}} */
      const all = await api('GET', `/insight/fraud/flags?fromMs=${range.fromMs}&toMs=${range.toMs}`);
      const open = all.flags.filter((f) => f.review.state === 'open').length;
      tiles.replaceChildren(h('div.tiles', null, tile('tile-open-flags', t('fraud.openCount'), formatNumber(open), open ? 'bad' : 'ok'), tile('tile-closed-flags', t('fraud.closedCount'), formatNumber(all.flags.length - open), 'ok')));
      const shown = all.flags.filter((f) => !state || f.review.state === state);
      list.replaceChildren(...(shown.length ? shown.map((flag) => flagCard(flag, range, canReview, ctx.navigate, load)) : [notice('info', t('fraud.none'))]));
    };
    await load();
  },
});

/** @param {Evidence} evidence */
function evidenceText(evidence) {
  const parts = [formatDateTime(evidence.atMs)];
  if (evidence.storeId) parts.push(evidence.storeId);
  if (typeof evidence.minutesApart === 'number') parts.push(t('fraud.minutesApart', { minutesApart: evidence.minutesApart }));
  if (typeof evidence.points === 'number') parts.push(`${formatNumber(evidence.points)} ${t('common.points')}`);
  if (typeof evidence.distanceKm === 'number') parts.push(`${formatNumber(evidence.distanceKm)} km`);
  return parts.join(' · ');
}

/**
 * @param {FlagView} flag @param {{fromMs: number, toMs: number}} range @param {boolean} canReview
 * @param {(hash: string) => void} navigate @param {() => Promise<void>} reload
 */
function flagCard(flag, range, canReview, navigate, reload) {
  const message = h('div.message');
  const note = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'note', rows: 2, maxlength: 2000, placeholder: t('fraud.notePlaceholder'), 'aria-label': t('fraud.note'), 'data-testid': 'flag-note' }));
  /** @param {'open'|'closed'} next @param {HTMLButtonElement} control */
  const review = async (next, control) => {
    if (next === 'closed' && note.value.trim() === '') {
      message.replaceChildren(notice('error', t('fraud.noteNeeded')));
      return;
    }
    control.disabled = true;
    try {
      await api('POST', `/insight/fraud/flags/${encodeURIComponent(flag.id)}/review`, { state: next, note: note.value.trim(), ...range });
      await reload();
    } catch (error) {
      control.disabled = false;
      message.replaceChildren(notice('error', errorMessage(error)));
    }
  };
  const closed = flag.review.state === 'closed';
  return h(
    `section.card.flag${closed ? '.closed' : ''}`,
    { 'data-testid': 'flag', 'data-kind': flag.kind, 'data-state': flag.review.state, 'data-flag-id': flag.id },
    h('div.flag-head', null,
      h('h2', null, t(`fraud.kind.${flag.kind}`)),
      h('span.badge' + (closed ? '.ok' : '.bad'), null, closed ? t('fraud.closed') : t('fraud.open'))),
    h('div', null, h('strong', null, t(`fraud.subject.${flag.subjectKind}`, { subject: flag.subject })), ' · ', flag.storeIds.join(lang() === 'fa' ? '، ' : ', '), ' · ', formatDateTime(flag.atMs)),
    h('ul.evidence', null, flag.evidence.slice(0, 10).map((e) => h('li', null, evidenceText(e)))),
    flag.memberId ? h('a', { href: pageHash('member', flag.memberId), onclick: /** @param {Event} e */ (e) => { e.preventDefault(); navigate(pageHash('member', flag.memberId ?? '')); } }, t('fraud.member')) : null,
    closed ? h('p.small', null, `${t('fraud.closedBy', { when: flag.review.atMs ? formatDateTime(flag.review.atMs) : '' })}: `, h('bdi', { 'data-testid': 'flag-review-note', dir: 'auto' }, flag.review.note ?? '')) : null,
    canReview
      ? h('div.review', null,
          closed ? null : note,
          closed
            ? button(t('fraud.reopen'), (e) => void review('open', /** @type {HTMLButtonElement} */ (e.currentTarget)), 'secondary', { 'data-testid': 'flag-reopen' })
            : button(t('fraud.close'), (e) => void review('closed', /** @type {HTMLButtonElement} */ (e.currentTarget)), 'primary', { 'data-testid': 'flag-close' }))
      : null,
    message,
  );
}
