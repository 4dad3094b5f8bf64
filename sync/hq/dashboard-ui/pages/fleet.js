// The kiosk fleet per store: last sync, records waiting to be pushed, hardware health and
// software version, as each kiosk reports them on every pull.

import { api } from '../api.js';
import { h, notice } from '../dom.js';
import { formatDateTime, formatNumber, registerStrings, t } from '../i18n.js';
import { definePage } from '../page.js';
import { tile, useInsightStyles } from './insight-kit.js';

registerStrings({
  fa: {
    'nav.fleet': 'کیوسک‌ها',
    'fleet.title': 'ناوگان کیوسک‌ها',
    'fleet.hint': 'هر کیوسک هنگام همگام‌سازی وضعیتش را گزارش می‌دهد؛ کیوسکی که بیش از یک ساعت خبری از آن نیست «قطع» نشان داده می‌شود.',
    'fleet.device': 'دستگاه',
    'fleet.state': 'وضعیت',
    'fleet.lastSeen': 'آخرین همگام‌سازی',
    'fleet.queue': 'در صف ارسال',
    'fleet.health': 'سخت‌افزار',
    'fleet.version': 'نسخه نرم‌افزار',
    'fleet.records': 'رکوردها',
    'fleet.state.ok': 'برخط',
    'fleet.state.stale': 'قطع',
    'fleet.state.never': 'هرگز همگام نشده',
    'fleet.state.revoked': 'لغوشده',
    'fleet.healthy': 'سالم',
    'fleet.part.printer': 'چاپگر',
    'fleet.part.readers': 'کارت‌خوان',
    'fleet.part.ledger': 'دفتر امتیاز',
    'fleet.devices': 'کیوسک',
    'fleet.online': 'برخط',
    'fleet.problems': 'با مشکل سخت‌افزار',
    'fleet.none': 'هنوز کیوسکی ثبت نشده است.',
    'fleet.unknown': 'گزارش نشده',
    'fleet.rules': 'قوانین',
    'fleet.rulesFile': 'فایل تنظیمات',
    'fleet.rulesBehind': 'نسخه {version} هنوز نرسیده',
  },
  en: {
    'nav.fleet': 'Kiosks',
    'fleet.title': 'Kiosk fleet',
    'fleet.hint': 'Each kiosk reports its state when it syncs; one not heard from for over an hour shows as offline.',
    'fleet.device': 'Device',
    'fleet.state': 'State',
    'fleet.lastSeen': 'Last sync',
    'fleet.queue': 'Waiting to push',
    'fleet.health': 'Hardware',
    'fleet.version': 'Software',
    'fleet.records': 'Records',
    'fleet.state.ok': 'online',
    'fleet.state.stale': 'offline',
    'fleet.state.never': 'never synced',
    'fleet.state.revoked': 'revoked',
    'fleet.healthy': 'healthy',
    'fleet.part.printer': 'printer',
    'fleet.part.readers': 'card reader',
    'fleet.part.ledger': 'ledger',
    'fleet.devices': 'kiosks',
    'fleet.online': 'online',
    'fleet.problems': 'with hardware problems',
    'fleet.none': 'No kiosk is registered yet.',
    'fleet.unknown': 'not reported',
    'fleet.rules': 'Rules',
    'fleet.rulesFile': 'config file',
    'fleet.rulesBehind': 'version {version} not yet here',
  },
});

/**
 * @typedef {object} FleetDevice
 * @property {string} deviceId
 * @property {'ok'|'stale'|'never'|'revoked'} state
 * @property {number} records
 * @property {number|null} lastSeenAtMs
 * @property {string[]} problems
 * @property {{softwareVersion: string, queueDepth: number, rulesVersion: number|null, reportedAtMs: number, health: Record<string, {state?: string, detail?: string}|number>}|null} status
 */

export default definePage({
  id: 'fleet',
  titleKey: 'nav.fleet',
  roles: ['manager', 'store-manager', 'support'],
  async render(container) {
    useInsightStyles();
    /** @type {{publishedRulesVersion: number, stores: Array<{storeId: string, devices: FleetDevice[]}>}} */
    const fleet = await api('GET', '/insight/fleet');
    const devices = fleet.stores.flatMap((s) => s.devices);
    container.append(
      h('h1', null, t('fleet.title')),
      h('p.hint', null, t('fleet.hint')),
      h('div.tiles', null,
        tile('tile-devices', t('fleet.devices'), formatNumber(devices.length)),
        tile('tile-online', t('fleet.online'), formatNumber(devices.filter((d) => d.state === 'ok').length), 'ok'),
        tile('tile-problems', t('fleet.problems'), formatNumber(devices.filter((d) => d.problems.length > 0).length), 'bad')),
      ...(fleet.stores.length ? fleet.stores.map((store) => storeCard(store, fleet.publishedRulesVersion)) : [notice('info', t('fleet.none'))]),
    );
  },
});

/** @param {string} part */
const partName = (part) => {
  const key = `fleet.part.${part}`;
  return t(key) === key ? part : t(key);
};

/**
 * Which loyalty rules a kiosk runs, flagged when a published version has not reached it yet.
 * @param {FleetDevice} device @param {number} published
 */
function rulesCell(device, published) {
  const running = device.status?.rulesVersion;
  if (running === null || running === undefined) return h('span.muted', null, t('fleet.unknown'));
  const label = running === 0 ? t('fleet.rulesFile') : formatNumber(running);
  if (running >= published) return h('span', { 'data-testid': 'fleet-rules' }, label);
  return h('span', { 'data-testid': 'fleet-rules' }, label, ' ', h('span.chip.bad', null, t('fleet.rulesBehind', { version: published })));
}

/** @param {{storeId: string, devices: FleetDevice[]}} store @param {number} publishedRulesVersion */
function storeCard(store, publishedRulesVersion) {
  const rows = store.devices.map((device) =>
    h('tr', { 'data-testid': 'fleet-device', 'data-device': device.deviceId, 'data-state': device.state },
      h('td.ltr', null, device.deviceId),
      h('td', null, h(`span.badge.state-${device.state}`, null, t(`fleet.state.${device.state}`))),
      h('td', null, device.lastSeenAtMs === null ? '—' : formatDateTime(device.lastSeenAtMs)),
      h('td.num', null, device.status ? formatNumber(device.status.queueDepth) : '—'),
      h('td', null, device.status === null
        ? h('span.muted', null, t('fleet.unknown'))
        : device.problems.length
          ? device.problems.map((part) => {
              const check = device.status?.health[part];
              const state = typeof check === 'object' && check ? check.state ?? '' : '';
              return h('span.chip.bad', null, `${partName(part)}: ${state}`);
            })
          : h('span.badge.ok', null, t('fleet.healthy'))),
      h('td.ltr', null, device.status?.softwareVersion ?? '—'),
      h('td', null, rulesCell(device, publishedRulesVersion)),
      h('td.num', null, formatNumber(device.records))));
  return h('section.card', { 'data-testid': 'fleet-store', 'data-store': store.storeId },
    h('h2.store-title', null, store.storeId, h('span.small.muted', null, `${formatNumber(store.devices.length)} ${t('fleet.devices')}`)),
    h('div.table-wrap', null, h('table.table', null,
      h('thead', null, h('tr', null, ['fleet.device', 'fleet.state', 'fleet.lastSeen', 'fleet.queue', 'fleet.health', 'fleet.version', 'fleet.rules', 'fleet.records'].map((key) => h('th', null, t(key))))),
      h('tbody', null, rows))));
}
