// The overview: the club at a glance, in charts people would rather look at than read —
// points earned and redeemed per day, new members, members per tier, the stores side by
// side, survey scores over time — and the CSV exports for accounting.

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatNumber, formatRial, lang, registerStrings, t } from '../i18n.js';
import { definePage } from '../page.js';
import { COLORS, chartCard, chartOptions, compactNumber, dayLabel, tile, useInsightStyles, windowPicker } from './insight-kit.js';

registerStrings({
  fa: {
    'nav.overview': 'نمای کلی',
    'overview.title': 'نمای کلی باشگاه',
    'overview.store': 'فروشگاه',
    'overview.earned': 'امتیاز داده‌شده',
    'overview.redeemed': 'امتیاز خرج‌شده',
    'overview.newMembers': 'عضو جدید',
    'overview.purchases': 'خرید ثبت‌شده',
    'overview.spend': 'مبلغ خریدها',
    'overview.chart.points': 'امتیاز داده‌شده و خرج‌شده',
    'overview.chart.members': 'اعضای جدید',
    'overview.chart.tiers': 'اعضا در هر سطح',
    'overview.chart.tiersNote': 'سطح هر عضو بر اساس آخرین خریدش؛ بدون خرید در بازه سطح‌بندی: «بدون خرید».',
    'overview.chart.stores': 'مقایسه فروشگاه‌ها',
    'overview.chart.surveys': 'رضایت مشتریان در هر هفته',
    'overview.noPurchase': 'بدون خرید',
    'overview.perDay': 'هر روز',
    'overview.perWeek': 'جمع هر هفته',
    'overview.csat': 'میانگین رضایت (از ۵)',
    'overview.nps': 'شاخص وفاداری (NPS)',
    'overview.buyers': 'خریداران',
    'overview.exports': 'خروجی برای حسابداری (CSV، اکسل)',
    'overview.exports.hint': 'تراکنش‌های بازه انتخاب‌شده و مانده امتیاز اعضا؛ UTF-8 با BOM، مبالغ به ریال.',
    'overview.exports.transactions': 'دریافت تراکنش‌ها',
    'overview.exports.balances': 'دریافت مانده امتیازها',
  },
  en: {
    'nav.overview': 'Overview',
    'overview.title': 'The club at a glance',
    'overview.store': 'Store',
    'overview.earned': 'Points given',
    'overview.redeemed': 'Points spent',
    'overview.newMembers': 'New members',
    'overview.purchases': 'Purchases recorded',
    'overview.spend': 'Purchase amount',
    'overview.chart.points': 'Points given and spent',
    'overview.chart.members': 'New members',
    'overview.chart.tiers': 'Members per tier',
    'overview.chart.tiersNote': "Each member's tier from their last purchase; none in the tier window: “no purchase”.",
    'overview.chart.stores': 'Stores compared',
    'overview.chart.surveys': 'Customer satisfaction per week',
    'overview.noPurchase': 'No purchase',
    'overview.perDay': 'per day',
    'overview.perWeek': 'weekly totals',
    'overview.csat': 'Average satisfaction (of 5)',
    'overview.nps': 'Loyalty score (NPS)',
    'overview.buyers': 'Buyers',
    'overview.exports': 'Exports for accounting (CSV, Excel)',
    'overview.exports.hint': "The period's transactions and members' point balances; UTF-8 with BOM, amounts in Rials.",
    'overview.exports.transactions': 'Download transactions',
    'overview.exports.balances': 'Download point balances',
  },
});

/**
 * @typedef {object} ChartSeries
 * @property {{fromMs: number, toMs: number}} window
 * @property {string[]} days
 * @property {Array<{day: string, earned: number, redeemed: number}>} points
 * @property {Array<{day: string, count: number}>} newMembers
 * @property {Array<{tierId: string, members: number}>} tiers
 * @property {number} membersWithoutPurchase
 * @property {Array<{storeId: string, purchases: number, spendRial: number, buyers: number, pointsEarned: number, pointsRedeemed: number, newMembers: number}>} stores
 * @property {Array<{weekStart: string, answers: number, csatAverage: number|null, nps: number|null}>} surveys
 * @property {Record<string, string>} tierNames
 * @property {string[]} tierOrder
 */

const DAY_MS = 86_400_000;
/** Tiers in their order: bronze, silver, gold, then more. */
const TIER_COLORS = ['#b08d57', '#7f8c95', '#e0b100', '#3aa6b9', '#7b5ea7', '#14586f'];
/** @param {number[]} values */
const sum = (values) => values.reduce((a, b) => a + b, 0);

export default definePage({
  id: 'overview',
  titleKey: 'nav.overview',
  roles: ['manager', 'store-manager', 'support'],
  async render(container, ctx) {
    useInsightStyles();
    let days = 30;
    let storeId = '';
    /** @type {Array<{ destroy(): void }>} */
    let charts = [];
    const body = h('div', { 'data-testid': 'overview-body' });
    const storeSelect = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'overview-store', 'aria-label': t('overview.store') }));
    const picker = h('span');
    const head = h('div.insight-head', null, h('h1', null, t('overview.title')), h('div.controls', null, storeSelect, picker));
    container.append(head, body);

    const load = async () => {
      picker.replaceChildren(windowPicker(days, (next) => { days = next; void load(); }));
      const toMs = Date.now();
      const query = `fromMs=${toMs - days * DAY_MS}&toMs=${toMs}${storeId ? `&storeId=${encodeURIComponent(storeId)}` : ''}`;
      /** @type {ChartSeries} */
      const series = await api('GET', `/insight/charts?${query}`);
      for (const chart of charts) chart.destroy();
      if (storeSelect.options.length === 0) {
        const stores = ctx.user.storeIds ?? series.stores.map((s) => s.storeId);
        storeSelect.append(h('option', { value: '' }, t('common.allStores')), ...stores.map((id) => h('option', { value: id }, id)));
        storeSelect.addEventListener('change', () => { storeId = storeSelect.value; void load(); });
      }
      const built = buildCharts(series);
      charts = built.charts;
      body.replaceChildren(built.view, exportsCard(query));
      await Promise.all(built.charts.map((chart) => chart.draw()));
      // Which window the charts on screen show (tests wait for it after a change).
      body.dataset.days = String(days);
    };
    await load();
    return () => { for (const chart of charts) chart.destroy(); };
  },
});

/**
 * Over long windows a bar or point per day is a blur: sum whole weeks instead (by the
 * series' own days, so the buckets line up with the first day shown).
 * @template {{day: string}} T
 * @param {T[]} rows @param {(rows: T[]) => T} merge
 */
function byWeek(rows, merge) {
  if (rows.length <= 92) return rows;
  /** @type {T[]} */
  const out = [];
  for (let i = 0; i < rows.length; i += 7) out.push(merge(rows.slice(i, i + 7)));
  return out;
}

/** @param {ChartSeries} series */
function buildCharts(series) {
  const pointRows = byWeek(series.points, (week) => ({ day: week[0]?.day ?? '', earned: sum(week.map((d) => d.earned)), redeemed: sum(week.map((d) => d.redeemed)) }));
  const memberRows = byWeek(series.newMembers, (week) => ({ day: week[0]?.day ?? '', count: sum(week.map((d) => d.count)) }));
  const labels = pointRows.map((row) => dayLabel(row.day));
  const period = t(pointRows.length < series.points.length ? 'overview.perWeek' : 'overview.perDay');
  const earned = sum(series.points.map((p) => p.earned));
  const redeemed = sum(series.points.map((p) => p.redeemed));
  const tiles = h(
    'div.tiles',
    null,
    tile('tile-earned', t('overview.earned'), formatNumber(earned)),
    tile('tile-redeemed', t('overview.redeemed'), formatNumber(redeemed), 'accent'),
    tile('tile-new', t('overview.newMembers'), formatNumber(sum(series.newMembers.map((d) => d.count))), 'ok'),
    tile('tile-purchases', t('overview.purchases'), formatNumber(sum(series.stores.map((s) => s.purchases)))),
    tile('tile-spend', t('overview.spend'), formatRial(sum(series.stores.map((s) => s.spendRial)))),
  );
  const points = chartCard('chart-points', t('overview.chart.points'), {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: t('overview.earned'), data: pointRows.map((p) => p.earned), borderColor: COLORS.brand, backgroundColor: 'rgba(20, 88, 111, 0.18)', fill: true, tension: 0.3, cubicInterpolationMode: 'monotone', pointRadius: 0, borderWidth: 2 },
        { label: t('overview.redeemed'), data: pointRows.map((p) => p.redeemed), borderColor: COLORS.accent, backgroundColor: 'rgba(242, 165, 49, 0.25)', fill: true, tension: 0.3, cubicInterpolationMode: 'monotone', pointRadius: 0, borderWidth: 2 },
      ],
    },
    options: chartOptions(),
  }, { tall: true, note: period });
  const members = chartCard('chart-members', t('overview.chart.members'), {
    type: 'bar',
    data: { labels: memberRows.map((row) => dayLabel(row.day)), datasets: [{ label: t('overview.newMembers'), data: memberRows.map((d) => d.count), backgroundColor: COLORS.ok, borderRadius: 3 }] },
    options: { ...chartOptions(), plugins: { ...chartOptions().plugins, legend: { display: false } } },
  }, { note: period });
  const ordered = [...series.tiers].sort((a, b) => series.tierOrder.indexOf(a.tierId) - series.tierOrder.indexOf(b.tierId));
  const tierLabels = [...ordered.map((tier) => series.tierNames[tier.tierId] ?? tier.tierId), t('overview.noPurchase')];
  const tierCounts = [...ordered.map((tier) => tier.members), series.membersWithoutPurchase];
  const tiers = chartCard('chart-tiers', t('overview.chart.tiers'), {
    type: 'doughnut',
    data: { labels: tierLabels, datasets: [{ data: tierCounts, backgroundColor: [...ordered.map((tier) => TIER_COLORS[series.tierOrder.indexOf(tier.tierId)] ?? COLORS.brand), COLORS.muted], borderWidth: 2, borderColor: '#fff' }] },
    options: { ...chartOptions({ noAxes: true }), cutout: '58%' },
  }, { note: t('overview.chart.tiersNote') });
  const stores = chartCard('chart-stores', t('overview.chart.stores'), {
    type: 'bar',
    data: {
      labels: series.stores.map((s) => s.storeId),
      datasets: [
        { label: t('overview.spend'), data: series.stores.map((s) => s.spendRial), backgroundColor: COLORS.brand, borderRadius: 4, yAxisID: 'y' },
        { label: t('overview.purchases'), data: series.stores.map((s) => s.purchases), backgroundColor: COLORS.accent, borderRadius: 4, yAxisID: 'y2' },
        { label: t('overview.buyers'), data: series.stores.map((s) => s.buyers), backgroundColor: COLORS.ok, borderRadius: 4, yAxisID: 'y2' },
      ],
    },
    options: chartOptions({ y2: true }),
  });
  const weeks = series.surveys.map((w) => dayLabel(w.weekStart));
  const surveys = chartCard('chart-surveys', t('overview.chart.surveys'), {
    type: 'line',
    data: {
      labels: weeks,
      datasets: [
        { label: t('overview.csat'), data: series.surveys.map((w) => w.csatAverage), borderColor: COLORS.ok, backgroundColor: COLORS.ok, tension: 0.3, yAxisID: 'y', spanGaps: true },
        { label: t('overview.nps'), data: series.surveys.map((w) => w.nps), borderColor: COLORS.series[4], backgroundColor: COLORS.series[4], tension: 0.3, yAxisID: 'y2', spanGaps: true, borderDash: [6, 4] },
      ],
    },
    options: (() => {
      const options = chartOptions({ y2: true });
      const scales = /** @type {Record<string, Record<string, unknown>>} */ (options.scales);
      scales.y = { ...scales.y, min: 1, max: 5, beginAtZero: false };
      scales.y2 = { ...scales.y2, min: -100, max: 100, beginAtZero: false, ticks: { callback: /** @param {number} v */ (v) => compactNumber(v) } };
      return options;
    })(),
  });
  const charts = [points, members, tiers, stores, surveys];
  const view = h(
    'div',
    null,
    tiles,
    h('div.chart-grid', { dir: lang() === 'fa' ? 'rtl' : 'ltr' }, h('div.wide', null, points.card), members.card, tiers.card, stores.card, surveys.card),
  );
  return { view, charts };
}

/** @param {string} query */
function exportsCard(query) {
  return h(
    'section.card',
    { 'data-testid': 'exports' },
    h('h2', null, t('overview.exports')),
    h('p.hint.small', null, t('overview.exports.hint')),
    h(
      'div.exports',
      null,
      h('a.btn.secondary', { href: `/v1/dashboard/insight/export/transactions.csv?${query}`, download: '', 'data-testid': 'export-transactions' }, t('overview.exports.transactions')),
      h('a.btn.secondary', { href: `/v1/dashboard/insight/export/balances.csv${query.includes('storeId=') ? `?${query.slice(query.indexOf('storeId='))}` : ''}`, download: '', 'data-testid': 'export-balances' }, t('overview.exports.balances')),
    ),
  );
}
