// What a draft would have done: the head office's purchases of the last days replayed through
// the kiosk's own engine under the rules in force and under the draft, side by side.

import { h } from '../../dom.js';
import { formatDate, formatDateTime, formatDigits, formatNumber, formatRial, lang, registerStrings, t } from '../../i18n.js';
import { pageHash } from '../../page.js';

registerStrings({
  fa: {
    'rules.pv.title': 'پیش‌نمایش اثر روی خریدهای {days} روز اخیر',
    'rules.pv.period': 'از {from} تا {to}؛ {receipts} رسید از {members} عضو. سطح اعضا از {warmup} روز پیش‌تر محاسبه شده است.',
    'rules.pv.current': 'با قوانین فعلی',
    'rules.pv.draft': 'با پیش‌نویس',
    'rules.pv.delta': 'تفاوت',
    'rules.pv.members': 'اعضای متأثر: {n} ({up} بیشتر، {down} کمتر)',
    'rules.pv.recorded': 'بازپخش با قوانین فعلی با امتیاز ثبت‌شده در کیوسک‌ها در {match} از {n} رسید یکسان است.',
    'rules.pv.refused': 'رسیدهایی که موتور نپذیرفت: فعلی {current}، پیش‌نویس {draft}',
    'rules.pv.perStore': 'به تفکیک فروشگاه',
    'rules.pv.perTier': 'به تفکیک سطح',
    'rules.pv.perCampaign': 'به تفکیک جشنواره',
    'rules.pv.noCampaign': 'بدون جشنواره',
    'rules.pv.largest': 'بیشترین تغییر',
    'rules.pv.examples': 'نمونه رسیدها',
    'rules.pv.changes': 'تغییرات قوانین',
    'rules.pv.noChanges': 'پیش‌نویس با قوانین فعلی یکی است.',
    'rules.pv.more': 'و {n} تغییر دیگر',
    'rules.pv.game': 'میانگین امتیاز هر بازی گردونه: {before} ← {after}',
    'rules.pv.receipts': 'رسید',
    'rules.pv.points': 'امتیاز',
    'rules.pv.member': 'عضو',
    'rules.pv.when': 'زمان',
    'rules.pv.amount': 'مبلغ',
    'rules.pv.tier': 'سطح',
    'rules.pv.campaign': 'جشنواره',
    'rules.pv.none': 'خریدی در این بازه ثبت نشده است.',
    'rules.pv.took': 'محاسبه در {ms} میلی‌ثانیه',
  },
  en: {
    'rules.pv.title': 'Effect on the purchases of the last {days} days',
    'rules.pv.period': '{from} to {to}; {receipts} receipts from {members} members. Tiers are computed from {warmup} days earlier.',
    'rules.pv.current': 'Rules in force',
    'rules.pv.draft': 'Draft',
    'rules.pv.delta': 'Difference',
    'rules.pv.members': 'Members affected: {n} ({up} more, {down} fewer)',
    'rules.pv.recorded': 'Replaying under the rules in force matches what the kiosks credited on {match} of {n} receipts.',
    'rules.pv.refused': 'Receipts the engine refused: in force {current}, draft {draft}',
    'rules.pv.perStore': 'Per store',
    'rules.pv.perTier': 'Per tier',
    'rules.pv.perCampaign': 'Per campaign',
    'rules.pv.noCampaign': 'No campaign',
    'rules.pv.largest': 'Largest changes',
    'rules.pv.examples': 'Example receipts',
    'rules.pv.changes': 'Rule changes',
    'rules.pv.noChanges': 'The draft is the same as the rules in force.',
    'rules.pv.more': 'and {n} more',
    'rules.pv.game': 'Average points per wheel play: {before} → {after}',
    'rules.pv.receipts': 'Receipts',
    'rules.pv.points': 'Points',
    'rules.pv.member': 'Member',
    'rules.pv.when': 'When',
    'rules.pv.amount': 'Amount',
    'rules.pv.tier': 'Tier',
    'rules.pv.campaign': 'Campaign',
    'rules.pv.none': 'No purchases were recorded in this period.',
    'rules.pv.took': 'computed in {ms} ms',
  },
});

/** @typedef {{current: number, draft: number, delta: number}} BeforeAfter */
/** @typedef {{id: string, name: string, currentReceipts: number, draftReceipts: number, current: number, draft: number}} Group */
/**
 * @typedef {object} Preview
 * @property {{fromMs: number, toMs: number, days: number, warmupDays: number}} period
 * @property {number} receipts
 * @property {number} members
 * @property {BeforeAfter & {deltaPercent: number|null}} totals
 * @property {{receipts: number, points: number, matchingCurrent: number}} recorded
 * @property {Array<BeforeAfter & {storeId: string, receipts: number}>} perStore
 * @property {Group[]} perTier
 * @property {Group[]} perCampaign
 * @property {{total: number, up: number, down: number}} membersAffected
 * @property {Array<BeforeAfter & {memberId: string, storeId: string, receipts: number}>} largestChanges
 * @property {Array<{storeId: string, receiptId: string, memberId: string, atMs: number, amountRial: number, current: {points: number, tierId: string, campaignId: string|null}, draft: {points: number, tierId: string, campaignId: string|null}}>} examples
 * @property {{current: number, draft: number}} refused
 * @property {{changes: Array<{path: string, from?: unknown, to?: unknown}>, more: number}} ruleChanges
 * @property {{current: {expectedPointsPerPlay: number}, draft: {expectedPointsPerPlay: number}}} game
 * @property {number} durationMs
 */

/** A signed figure kept left to right, so the sign stays in front of it in Persian too. @param {number} n */
const signed = (n) => h('bdi', { dir: 'ltr' }, n > 0 ? `+${formatNumber(n)}` : formatNumber(n));
/** @param {number} n */
const deltaCell = (n) => h(`td.num${n > 0 ? '.plus' : n < 0 ? '.minus' : ''}`, null, signed(n));
/** @param {string} text */
const num = (text) => h('td.num', null, text);
/** @param {string[]} headings @param {Node[]} rows */
const table = (headings, rows) => h('div.table-wrap', null, h('table.table.compact', null, h('thead', null, h('tr', null, headings.map((heading) => h('th', null, heading)))), h('tbody', null, rows)));

/** @param {string} labelKey @param {Node|string} value @param {string} testid @param {string} [tone] */
const tile = (labelKey, value, testid, tone = '') => h(`div.tile${tone}`, null, h('span.tile-label', null, t(labelKey)), h('strong.tile-value', { 'data-testid': testid }, value));

/** @param {unknown} value */
const valueText = (value) => (value === undefined ? '∅' : formatDigits(String(value)));

/** @param {Preview} preview */
export function renderPreview(preview) {
  const { totals } = preview;
  const percentSign = lang() === 'fa' ? '٪' : '%';
  const percent = totals.deltaPercent === null ? '' : ` (${totals.deltaPercent > 0 ? '+' : ''}${formatNumber(totals.deltaPercent)}${percentSign})`;
  const names = new Map([...preview.perTier, ...preview.perCampaign].map((group) => [group.id, group.name]));
  /** @param {{points: number, tierId: string, campaignId: string|null}} side */
  const receiptSide = (side) => `${formatNumber(side.points)} (${names.get(side.tierId) || side.tierId}${side.campaignId ? ` · ${names.get(side.campaignId) || side.campaignId}` : ''})`;
  const tone = totals.delta > 0 ? '.up' : totals.delta < 0 ? '.down' : '';
  const groups = (/** @type {Group[]} */ list, /** @type {string} */ fallback) =>
    list.map((group) => h('tr', null, h('td', null, group.name || fallback), num(formatNumber(group.currentReceipts)), num(formatNumber(group.current)), num(formatNumber(group.draftReceipts)), num(formatNumber(group.draft)), deltaCell(group.draft - group.current)));
  const groupHeadings = (/** @type {string} */ first) => [first, `${t('rules.pv.receipts')} · ${t('rules.pv.current')}`, t('rules.pv.current'), `${t('rules.pv.receipts')} · ${t('rules.pv.draft')}`, t('rules.pv.draft'), t('rules.pv.delta')];
  return h(
    'section.card.preview',
    { 'data-testid': 'preview-panel' },
    h('h2', null, t('rules.pv.title', { days: preview.period.days })),
    h('p.muted', null, t('rules.pv.period', { from: formatDate(preview.period.fromMs), to: formatDate(preview.period.toMs), receipts: preview.receipts, members: preview.members, warmup: preview.period.warmupDays }), ' ', h('span.small', null, t('rules.pv.took', { ms: preview.durationMs }))),
    h(
      'div.tiles',
      null,
      tile('rules.pv.current', formatNumber(totals.current), 'preview-current'),
      tile('rules.pv.draft', formatNumber(totals.draft), 'preview-draft'),
      tile('rules.pv.delta', h('bdi', { dir: 'ltr' }, `${totals.delta > 0 ? '+' : ''}${formatNumber(totals.delta)}${percent}`), 'preview-delta', tone),
    ),
    h('p', { 'data-testid': 'preview-members' }, t('rules.pv.members', { n: preview.membersAffected.total, up: preview.membersAffected.up, down: preview.membersAffected.down })),
    preview.recorded.receipts > 0 ? h('p.muted.small', null, t('rules.pv.recorded', { match: preview.recorded.matchingCurrent, n: preview.recorded.receipts })) : null,
    preview.refused.current + preview.refused.draft > 0 ? h('p.notice.error', null, t('rules.pv.refused', preview.refused)) : null,
    h('p', null, t('rules.pv.game', { before: Math.round(preview.game.current.expectedPointsPerPlay * 100) / 100, after: Math.round(preview.game.draft.expectedPointsPerPlay * 100) / 100 })),
    preview.receipts === 0
      ? h('p.notice.info', null, t('rules.pv.none'))
      : h(
          'div.preview-tables',
          null,
          h('h3', null, t('rules.pv.perStore')),
          table(
            [t('common.store'), t('rules.pv.receipts'), t('rules.pv.current'), t('rules.pv.draft'), t('rules.pv.delta')],
            preview.perStore.map((store) => h('tr', null, h('td.ltr', null, store.storeId), num(formatNumber(store.receipts)), num(formatNumber(store.current)), num(formatNumber(store.draft)), deltaCell(store.delta))),
          ),
          h('h3', null, t('rules.pv.perTier')),
          table(groupHeadings(t('rules.pv.tier')), groups(preview.perTier, '—')),
          h('h3', null, t('rules.pv.perCampaign')),
          table(groupHeadings(t('rules.pv.campaign')), groups(preview.perCampaign, t('rules.pv.noCampaign'))),
          preview.largestChanges.length > 0 ? h('h3', null, t('rules.pv.largest')) : null,
          preview.largestChanges.length > 0
            ? table(
                [t('rules.pv.member'), t('common.store'), t('rules.pv.receipts'), t('rules.pv.current'), t('rules.pv.draft'), t('rules.pv.delta')],
                preview.largestChanges.map((member) => h('tr', null, h('td.ltr', null, h('a', { href: pageHash('member', member.memberId) }, member.memberId)), h('td.ltr', null, member.storeId), num(formatNumber(member.receipts)), num(formatNumber(member.current)), num(formatNumber(member.draft)), deltaCell(member.delta))),
              )
            : null,
          h('h3', null, t('rules.pv.examples')),
          table(
            [t('rules.pv.when'), t('common.store'), t('rules.pv.amount'), t('rules.pv.current'), t('rules.pv.draft')],
            preview.examples.map((example) =>
              h(
                'tr',
                { 'data-testid': 'preview-example' },
                h('td', null, formatDateTime(example.atMs)),
                h('td.ltr', null, example.storeId),
                num(formatRial(example.amountRial)),
                num(receiptSide(example.current)),
                num(receiptSide(example.draft)),
              ),
            ),
          ),
        ),
    h('h3', null, t('rules.pv.changes')),
    preview.ruleChanges.changes.length === 0
      ? h('p.muted', null, t('rules.pv.noChanges'))
      : h(
          'ul.changes',
          { 'data-testid': 'preview-changes' },
          preview.ruleChanges.changes.map((change) => h('li', null, h('code.ltr', null, change.path), ': ', h('span.from', null, valueText(change.from)), lang() === 'fa' ? ' ← ' : ' → ', h('span.to', null, valueText(change.to)))),
          preview.ruleChanges.more > 0 ? h('li.muted', null, t('rules.pv.more', { n: preview.ruleChanges.more })) : null,
        ),
  );
}
