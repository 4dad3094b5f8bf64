// Shared by the insight pages (overview, analysis, fraud, fleet, messages): Chart.js loaded
// once from the head office (pinned in package.json, served from node_modules), charts that
// read right to left in Persian with Persian digits and Jalali days, and small view helpers.

import { h } from '../dom.js';
import { formatNumber, lang, registerStrings, t } from '../i18n.js';

registerStrings({
  fa: {
    'insight.window': 'بازه زمانی',
    'insight.days': '{n} روز اخیر',
    'insight.member': 'عضو',
    'insight.noData': 'هنوز داده‌ای برای این بازه نیست.',
    'insight.truncated': 'داده‌ها بیش از حد بزرگ بود؛ فقط بخشی از اعضا بررسی شد.',
  },
  en: {
    'insight.window': 'Period',
    'insight.days': 'last {n} days',
    'insight.member': 'Member',
    'insight.noData': 'No data for this period yet.',
    'insight.truncated': 'Too much data: only part of the members was analysed.',
  },
});

const CHART_JS_URL = '/v1/dashboard/insight/vendor/chart.umd.min.js';
const STYLE_URL = '/ui/pages/insight.css';
const TIME_ZONE = 'Asia/Tehran';

/** The colours of the dashboard (styles.css), so charts and tables match. */
export const COLORS = {
  brand: '#14586f',
  accent: '#f2a531',
  ok: '#2e9d62',
  bad: '#c8453b',
  muted: '#8aa0a8',
  series: ['#14586f', '#f2a531', '#2e9d62', '#c8453b', '#7b5ea7', '#3aa6b9', '#b7791f', '#5b6f77', '#e07a5f', '#81b29a', '#3d405b'],
};

/**
 * The parts of Chart.js these pages use (the library itself is untyped plain JS here).
 * @typedef {{ destroy(): void, update(mode?: string): void }} ChartInstance
 * @typedef {new (canvas: HTMLCanvasElement, config: Record<string, unknown>) => ChartInstance} ChartConstructor
 */

/** @type {Promise<ChartConstructor>|undefined} */
let chartLoading;

/** Loads Chart.js once (a classic script: its UMD build sets `window.Chart`). @returns {Promise<ChartConstructor>} */
export function loadChartJs() {
  chartLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = CHART_JS_URL;
    script.onload = () => {
      const Chart = /** @type {{ Chart?: ChartConstructor & { defaults: { font: { family: string } } } }} */ (/** @type {unknown} */ (window)).Chart;
      if (!Chart) return reject(new Error('Chart.js did not load'));
      Chart.defaults.font.family = 'Vazirmatn, system-ui, sans-serif';
      resolve(Chart);
    };
    script.onerror = () => {
      chartLoading = undefined;
      reject(new Error('Chart.js did not load'));
    };
    document.head.append(script);
  });
  return chartLoading;
}

/** The insight pages' stylesheet (a file: the page's CSP allows no inline styles). */
export function useInsightStyles() {
  if (document.querySelector(`link[href="${STYLE_URL}"]`)) return;
  document.head.append(h('link', { rel: 'stylesheet', href: STYLE_URL }));
}

/** `2026-03-21` (a local day) → "۱ فروردین" in Persian, "21 Mar" in English. @param {string} day */
export function dayLabel(day) {
  const [y, m, d] = day.split('-').map(Number);
  const atMs = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12);
  const locale = lang() === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: TIME_ZONE }).format(atMs);
}

/** Short numbers for axes: ۱٫۲ میلیون / 1.2M. @param {number} n */
export function compactNumber(n) {
  return new Intl.NumberFormat(lang() === 'fa' ? 'fa-IR' : 'en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/**
 * Options every chart shares: right to left in Persian (legend, tooltips, and time running
 * from right to left on the x axis), the language's digits, no animation for people who
 * asked for less motion, and a marker on the canvas once it has drawn (tests read it).
 * @param {{ stacked?: boolean, horizontal?: boolean, timeAxis?: boolean, y2?: boolean, noAxes?: boolean }} [options]
 */
export function chartOptions(options = {}) {
  const rtl = lang() === 'fa';
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  // Counts, points and Rials are whole: no 0.5 member on an axis.
  const tick = { precision: 0, callback: /** @param {number|string} value */ (value) => (typeof value === 'number' ? compactNumber(value) : value) };
  /** @type {Record<string, unknown>} */
  const scales = options.noAxes
    ? {}
    : {
        x: { stacked: options.stacked, reverse: rtl, grid: { display: false }, ...(options.horizontal ? { ticks: tick } : { ticks: { autoSkip: true, maxRotation: 0 } }) },
        y: { stacked: options.stacked, beginAtZero: true, position: rtl ? 'right' : 'left', ...(options.horizontal ? {} : { ticks: tick }) },
        ...(options.y2 ? { y2: { beginAtZero: true, position: rtl ? 'left' : 'right', grid: { display: false }, ticks: tick } } : {}),
      };
  return {
    responsive: true,
    maintainAspectRatio: false,
    locale: rtl ? 'fa-IR' : 'en-US',
    animation: reduced ? false : { duration: 500 },
    indexAxis: options.horizontal ? 'y' : 'x',
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { rtl, textDirection: rtl ? 'rtl' : 'ltr', position: 'bottom', labels: { usePointStyle: true, boxWidth: 8 } },
      tooltip: { rtl, textDirection: rtl ? 'rtl' : 'ltr' },
    },
    scales,
  };
}

/** Counts draws on the canvas (`data-rendered`), so a test can wait for real pixels. */
export const renderedMarker = {
  id: 'bashgahRendered',
  /** @param {{ canvas: HTMLCanvasElement }} chart */
  afterRender(chart) {
    chart.canvas.dataset.rendered = String(Number(chart.canvas.dataset.rendered ?? 0) + 1);
  },
};

/**
 * A chart in a card with a title; returns the card and a function that draws it (after the
 * card is in the document, so Chart.js can measure it).
 * @param {string} testid
 * @param {string} title
 * @param {Record<string, unknown>} config  Chart.js config (type, data, options)
 * @param {{ tall?: boolean, note?: string }} [layout]
 */
export function chartCard(testid, title, config, layout = {}) {
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { 'data-testid': `${testid}-canvas`, role: 'img', 'aria-label': title }));
  const card = h(`section.card.chart-card${layout.tall ? '.tall' : ''}`, { 'data-testid': testid }, h('h2', null, title), layout.note ? h('p.hint.small', null, layout.note) : null, h('div.chart-box', null, canvas));
  /** @type {ChartInstance|undefined} */
  let instance;
  return {
    card,
    async draw() {
      const Chart = await loadChartJs();
      instance = new Chart(canvas, { ...config, plugins: [renderedMarker] });
    },
    destroy() {
      instance?.destroy();
    },
  };
}

/** A figure tile: a big number and its label. @param {string} testid @param {string} label @param {string} value @param {string} [tone] */
export function tile(testid, label, value, tone = '') {
  return h(`div.tile${tone ? `.${tone}` : ''}`, { 'data-testid': testid }, h('div.tile-value', null, value), h('div.tile-label', null, label));
}

/** The window picker: last 30 / 90 / 365 days. @param {number} days @param {(days: number) => void} onChange */
export function windowPicker(days, onChange) {
  return h(
    'div.segmented',
    { role: 'group', 'aria-label': t('insight.window') },
    [30, 90, 365].map((choice) =>
      h('button.btn.secondary' + (choice === days ? '.active' : ''), { type: 'button', 'data-testid': `window-${choice}`, 'aria-pressed': choice === days ? 'true' : 'false', onclick: () => onChange(choice) }, t('insight.days', { n: choice })),
    ),
  );
}

/** A percentage already in percent, "۹۳٫۱٪" / "93.1%". @param {number} percent */
export function formatPercent(percent) {
  return `${formatNumber(percent)}${lang() === 'fa' ? '٪' : '%'}`;
}

/** A percentage with its sign, "+۴۲٪". @param {number|null} ratio */
export function percentChange(ratio) {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  const sign = ratio > 0 ? '+' : ratio < 0 ? '−' : '';
  return `${sign}${formatNumber(Math.round(Math.abs(ratio) * 100))}${lang() === 'fa' ? '٪' : '%'}`;
}
