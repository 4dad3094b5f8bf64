// Analysis ("داده کاوی"): RFM segments, inactive members, churn risk with its reasons, the
// most valuable members, which campaign moved purchases, and satisfaction from the surveys.

import { api } from '../api.js';
import { h, notice } from '../dom.js';
import { formatDate, formatNumber, formatRial, registerStrings, t } from '../i18n.js';
import { definePage, pageHash } from '../page.js';
import { COLORS, chartCard, chartOptions, formatPercent, percentChange, tile, useInsightStyles, windowPicker } from './insight-kit.js';

const SEGMENTS = ['champions', 'loyal', 'potential_loyalist', 'new', 'promising', 'needs_attention', 'at_risk', 'cannot_lose', 'hibernating', 'lost', 'never_purchased'];
const SEGMENT_COLORS = ['#1d7a4f', '#2e9d62', '#81b29a', '#3aa6b9', '#14586f', '#e0b100', '#f2a531', '#e07a5f', '#b7791f', '#c8453b', '#8aa0a8'];

registerStrings({
  fa: {
    'nav.analysis': 'تحلیل مشتریان',
    'analysis.title': 'تحلیل مشتریان',
    'analysis.members': 'اعضای بررسی‌شده',
    'analysis.inactiveCount': 'غیرفعال (بیش از {n} روز)',
    'analysis.atRisk': 'در خطر ریزش',
    'analysis.csat': 'رضایت (۴ و ۵ از ۵)',
    'analysis.nps': 'شاخص وفاداری (NPS)',
    'analysis.segments': 'بخش‌بندی RFM (تازگی، دفعات، مبلغ)',
    'analysis.inactive': 'اعضای غیرفعال',
    'analysis.churn': 'احتمال ریزش و دلیل‌هایش',
    'analysis.valuable': 'باارزش‌ترین اعضا',
    'analysis.campaigns': 'کدام کمپین خرید را جابه‌جا کرد؟',
    'analysis.campaigns.hint': 'کمپین‌های امتیاز در برابر دوره مشابه قبل؛ پیشنهادهای پیامکی در برابر اعضایی که پیشنهاد نگرفتند.',
    'analysis.lastPurchase': 'آخرین خرید',
    'analysis.never': 'هرگز',
    'analysis.daysSilent': 'روز بی‌خرید',
    'analysis.score': 'امتیاز ریسک',
    'analysis.reasons': 'دلیل‌ها',
    'analysis.spend': 'مبلغ خرید',
    'analysis.visits': 'دفعات خرید',
    'analysis.segment': 'بخش',
    'analysis.campaign': 'کمپین',
    'analysis.method': 'مقایسه با',
    'analysis.method.period': 'دوره قبل',
    'analysis.method.control': 'گروه بدون پیشنهاد',
    'analysis.purchasesLift': 'تغییر تعداد خرید',
    'analysis.spendLift': 'تغییر مبلغ خرید',
    'analysis.kind.earning': 'کمپین امتیاز',
    'analysis.kind.offer': 'پیشنهاد',
    'analysis.reason.gap_beyond_rhythm': '{silenceDays} روز بی‌خرید؛ معمولاً هر {usualGapDays} روز',
    'analysis.reason.declining_spend': 'کاهش خرید {dropPercent}٪',
    'analysis.reason.declining_visits': 'کمتر آمده: {visitsRecent} بار به جای {visitsBefore}',
    'analysis.reason.unanswered_offers': '{unanswered} از {offersSent} پیشنهاد بی‌پاسخ',
    'analysis.reason.low_satisfaction': 'رضایت پایین ({csat} از ۵)',
    'analysis.segment.champions': 'قهرمانان',
    'analysis.segment.loyal': 'وفاداران',
    'analysis.segment.potential_loyalist': 'وفاداران آینده',
    'analysis.segment.new': 'تازه‌واردها',
    'analysis.segment.promising': 'امیدوارکننده',
    'analysis.segment.needs_attention': 'نیازمند توجه',
    'analysis.segment.at_risk': 'در خطر',
    'analysis.segment.cannot_lose': 'نباید از دست بروند',
    'analysis.segment.hibernating': 'خواب‌رفته',
    'analysis.segment.lost': 'ازدست‌رفته',
    'analysis.segment.never_purchased': 'بدون خرید',
  },
  en: {
    'nav.analysis': 'Customer analysis',
    'analysis.title': 'Customer analysis',
    'analysis.members': 'Members analysed',
    'analysis.inactiveCount': 'Inactive (over {n} days)',
    'analysis.atRisk': 'At risk of leaving',
    'analysis.csat': 'Satisfied (4 or 5 of 5)',
    'analysis.nps': 'Loyalty score (NPS)',
    'analysis.segments': 'RFM segments (recency, frequency, money)',
    'analysis.inactive': 'Inactive members',
    'analysis.churn': 'Churn risk and its reasons',
    'analysis.valuable': 'Most valuable members',
    'analysis.campaigns': 'Which campaign moved purchases?',
    'analysis.campaigns.hint': 'Earning campaigns against the period before; SMS offers against the members not offered.',
    'analysis.lastPurchase': 'Last purchase',
    'analysis.never': 'never',
    'analysis.daysSilent': 'days without a purchase',
    'analysis.score': 'Risk score',
    'analysis.reasons': 'Reasons',
    'analysis.spend': 'Spend',
    'analysis.visits': 'Purchases',
    'analysis.segment': 'Segment',
    'analysis.campaign': 'Campaign',
    'analysis.method': 'Compared with',
    'analysis.method.period': 'the period before',
    'analysis.method.control': 'members not offered',
    'analysis.purchasesLift': 'Change in purchases',
    'analysis.spendLift': 'Change in spend',
    'analysis.kind.earning': 'earning campaign',
    'analysis.kind.offer': 'offer',
    'analysis.reason.gap_beyond_rhythm': '{silenceDays} days silent; usually every {usualGapDays} days',
    'analysis.reason.declining_spend': 'spending {dropPercent}% less',
    'analysis.reason.declining_visits': 'fewer visits: {visitsRecent} instead of {visitsBefore}',
    'analysis.reason.unanswered_offers': '{unanswered} of {offersSent} offers unanswered',
    'analysis.reason.low_satisfaction': 'low satisfaction ({csat} of 5)',
    'analysis.segment.champions': 'Champions',
    'analysis.segment.loyal': 'Loyal',
    'analysis.segment.potential_loyalist': 'Potential loyalists',
    'analysis.segment.new': 'New',
    'analysis.segment.promising': 'Promising',
    'analysis.segment.needs_attention': 'Needs attention',
    'analysis.segment.at_risk': 'At risk',
    'analysis.segment.cannot_lose': 'Cannot lose',
    'analysis.segment.hibernating': 'Hibernating',
    'analysis.segment.lost': 'Lost',
    'analysis.segment.never_purchased': 'Never purchased',
  },
});

/**
 * @typedef {{memberId: string, recencyDays: number|null, frequency: number, monetaryRial: number, segment: string}} RfmRow
 * @typedef {{code: string, points: number, detail: Record<string, number>}} ChurnReason
 * @typedef {{purchases: number, spendRial: number, members: number}} Figures
 * @typedef {{kind: 'earning'|'offer', campaignId: string, window: {startMs: number, endMs: number}, lift: {method: string, purchasesLift: number|null, spendLift: number|null, campaign: Figures, comparison: Figures}}} CampaignResult
 * @typedef {object} Analysis
 * @property {number} members
 * @property {{members: boolean, events: boolean}} truncated
 * @property {Array<{segment: string, members: number, spendRial: number}>} segments
 * @property {{count: number, days: number, members: Array<{memberId: string, lastPurchaseAtMs: number|null, daysSilent: number}>}} inactive
 * @property {{atRisk: number, members: Array<{memberId: string, score: number, reasons: ChurnReason[]}>}} churn
 * @property {RfmRow[]} valuable
 * @property {CampaignResult[]} campaigns
 * @property {{csatPercent: number|null, nps: number|null, csatAnswers: number, npsAnswers: number}} surveys
 * @property {Record<string, string>} names
 * @property {Record<string, string>} campaignNames
 */

const DAY_MS = 86_400_000;

export default definePage({
  id: 'analysis',
  titleKey: 'nav.analysis',
  roles: ['manager', 'store-manager', 'support'],
  async render(container, ctx) {
    useInsightStyles();
    let days = 365;
    /** @type {{ destroy(): void }|undefined} */
    let chart;
    const picker = h('span');
    const body = h('div');
    container.append(h('div.insight-head', null, h('h1', null, t('analysis.title')), picker), body);
    const load = async () => {
      picker.replaceChildren(windowPicker(days, (next) => { days = next; void load(); }));
      const toMs = Date.now();
      /** @type {Analysis} */
      const data = await api('GET', `/insight/analysis?fromMs=${toMs - days * DAY_MS}&toMs=${toMs}`);
      chart?.destroy();
      const built = view(data, ctx.navigate);
      chart = built.chart;
      body.replaceChildren(built.view);
      await built.chart.draw();
    };
    await load();
    return () => chart?.destroy();
  },
});

/** @param {string} memberId @param {Analysis} data @param {(hash: string) => void} navigate */
function memberCell(memberId, data, navigate) {
  return h('td', null, h('a', { href: pageHash('member', memberId), onclick: /** @param {Event} e */ (e) => { e.preventDefault(); navigate(pageHash('member', memberId)); } }, data.names[memberId] ?? memberId), h('div.small.muted.ltr', null, memberId));
}

/** @param {string[]} keys @param {HTMLElement[]} rows @param {string} testid */
function table(keys, rows, testid) {
  if (rows.length === 0) return notice('info', t('common.none'));
  return h('div.table-wrap', null, h('table.table', { 'data-testid': testid }, h('thead', null, h('tr', null, keys.map((key) => h('th', null, t(key))))), h('tbody', null, rows)));
}

/** @param {ChurnReason} reason */
function reasonText(reason) {
  /** @type {Record<string, number>} */
  const params = { ...reason.detail };
  return t(`analysis.reason.${reason.code}`, params);
}

/** @param {number} score */
const scoreClass = (score) => (score >= 60 ? 'high' : score >= 30 ? 'mid' : 'low');

/** @param {Analysis} data @param {(hash: string) => void} navigate */
function view(data, navigate) {
  const segments = [...data.segments].sort((a, b) => SEGMENTS.indexOf(a.segment) - SEGMENTS.indexOf(b.segment));
  const chart = chartCard('chart-segments', t('analysis.segments'), {
    type: 'bar',
    data: {
      labels: segments.map((s) => t(`analysis.segment.${s.segment}`)),
      datasets: [{ label: t('analysis.members'), data: segments.map((s) => s.members), backgroundColor: segments.map((s) => SEGMENT_COLORS[SEGMENTS.indexOf(s.segment)] ?? COLORS.muted), borderRadius: 4 }],
    },
    options: { ...chartOptions({ horizontal: true }), plugins: { ...chartOptions().plugins, legend: { display: false } } },
  }, { tall: true });
  const tiles = h(
    'div.tiles',
    null,
    tile('tile-members', t('analysis.members'), formatNumber(data.members)),
    tile('tile-inactive', t('analysis.inactiveCount', { n: data.inactive.days }), formatNumber(data.inactive.count), 'accent'),
    tile('tile-churn', t('analysis.atRisk'), formatNumber(data.churn.atRisk), 'bad'),
    tile('tile-csat', t('analysis.csat'), data.surveys.csatPercent === null ? '—' : formatPercent(data.surveys.csatPercent), 'ok'),
    tile('tile-nps', t('analysis.nps'), data.surveys.nps === null ? '—' : formatNumber(data.surveys.nps), 'ok'),
  );
  const inactive = table(['insight.member', 'analysis.lastPurchase', 'analysis.daysSilent'], data.inactive.members.map((m) =>
    h('tr', { 'data-testid': 'inactive-row', 'data-member': m.memberId }, memberCell(m.memberId, data, navigate), h('td', null, m.lastPurchaseAtMs === null ? t('analysis.never') : formatDate(m.lastPurchaseAtMs)), h('td.num', null, formatNumber(m.daysSilent)))), 'inactive-table');
  const churn = table(['insight.member', 'analysis.score', 'analysis.reasons'], data.churn.members.slice(0, 20).map((m) =>
    h('tr', { 'data-testid': 'churn-row', 'data-member': m.memberId }, memberCell(m.memberId, data, navigate), h('td', null, h(`span.score.${scoreClass(m.score)}`, null, formatNumber(m.score))), h('td', null, h('div.reasons', null, m.reasons.map((r) => h('span.reason', null, reasonText(r))))))), 'churn-table');
  const valuable = table(['insight.member', 'analysis.spend', 'analysis.visits', 'analysis.segment'], data.valuable.slice(0, 20).map((row) =>
    h('tr', { 'data-testid': 'valuable-row' }, memberCell(row.memberId, data, navigate), h('td.num', null, formatRial(row.monetaryRial)), h('td.num', null, formatNumber(row.frequency)), h('td', null, t(`analysis.segment.${row.segment}`)))), 'valuable-table');
  const campaigns = table(['analysis.campaign', 'analysis.method', 'analysis.purchasesLift', 'analysis.spendLift'], data.campaigns.map((c) => {
    const lift = c.lift.purchasesLift;
    return h('tr', { 'data-testid': 'campaign-row', 'data-campaign': c.campaignId },
      h('td', null, data.campaignNames[c.campaignId] ?? c.campaignId, h('div.small.muted', null, `${t(`analysis.kind.${c.kind}`)} · ${formatDate(c.window.startMs)} – ${formatDate(c.window.endMs - 1)}`)),
      h('td', null, t(`analysis.method.${c.lift.method}`)),
      h(`td.num.lift.${lift !== null && lift >= 0 ? 'up' : 'down'}`, null, percentChange(lift)),
      h(`td.num.lift.${(c.lift.spendLift ?? 0) >= 0 ? 'up' : 'down'}`, null, percentChange(c.lift.spendLift)));
  }), 'campaign-table');
  const section = (/** @type {string} */ testid, /** @type {string} */ title, /** @type {HTMLElement} */ content, /** @type {string} */ hint = '') =>
    h('section.card', { 'data-testid': testid }, h('h2', null, title), hint ? h('p.hint.small', null, hint) : null, content);
  return {
    chart,
    view: h(
      'div',
      null,
      data.truncated.members || data.truncated.events ? notice('info', t('insight.truncated')) : null,
      tiles,
      h('div.chart-grid', null, h('div.wide', null, chart.card)),
      section('campaigns', t('analysis.campaigns'), campaigns, t('analysis.campaigns.hint')),
      section('churn', t('analysis.churn'), churn),
      h('div.chart-grid', null, section('inactive', t('analysis.inactive'), inactive), section('valuable', t('analysis.valuable'), valuable)),
    ),
  };
}
