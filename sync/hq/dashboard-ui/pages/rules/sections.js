// The editor's tabs for earning: purchase points, tiers, campaigns and occasions.

import { button, h } from '../../dom.js';
import { formatNumber, lang, t } from '../../i18n.js';
import { addItem, errorSlot, field, freshId, getAt, numberField, numberInput, rowButtons, selectInput, setAt, tableList, textInput } from './fields.js';
import { HIJRI_MONTHS, JALALI_MONTHS, WEEKDAYS } from './strings.js';

/** @typedef {import('./fields.js').Editor} Editor */

/** @param {string} titleKey @param {...(Node|null)} children */
export const section = (titleKey, ...children) => h('section.card.rule-section', null, h('h2', null, t(titleKey)), ...children);
/** @param {...(Node|null)} children */
export const grid = (...children) => h('div.rule-grid', null, ...children);

/** @param {Editor} ed */
export function earningTab(ed) {
  return [
    section(
      'rules.tab.earning',
      grid(
        numberField(ed, '/earning/rialPerPoint', 'rules.earning.rialPerPoint', 'rules.unit.rial'),
        field(ed, '/earning/rounding', 'rules.earning.rounding', selectInput(ed, '/earning/rounding', [{ value: 'floor', label: t('rules.earning.rounding.floor') }])),
        numberField(ed, '/earning/dailyCapPoints', 'rules.earning.dailyCapPoints', 'rules.unit.points'),
        numberField(ed, '/earning/returnWindowDays', 'rules.earning.returnWindowDays', 'rules.unit.days'),
        numberField(ed, '/earning/firstPurchaseBonusPoints', 'rules.earning.firstPurchaseBonusPoints', 'rules.unit.points'),
        numberField(ed, '/earning/profileCompletionBonusPoints', 'rules.earning.profileCompletionBonusPoints', 'rules.unit.points'),
      ),
    ),
    section(
      'rules.earning.categories',
      tableList(
        ed,
        '/earning/categoryMultipliers',
        [
          { key: 'category', labelKey: 'rules.earning.category', input: (path) => textInput(ed, path, { dir: 'ltr' }) },
          { key: 'multiplierPercent', labelKey: 'rules.multiplierPercent', input: (path) => numberInput(ed, path) },
        ],
        () => ({ category: '', multiplierPercent: 100 }),
      ),
    ),
  ];
}

/** @param {Editor} ed */
export function tiersTab(ed) {
  return [
    section(
      'rules.tab.tiers',
      grid(
        numberField(ed, '/tiers/windowDays', 'rules.tiers.windowDays', 'rules.unit.days'),
        numberField(ed, '/tiers/inactivityDowngradeDays', 'rules.tiers.inactivityDowngradeDays', 'rules.unit.days'),
        numberField(ed, '/tiers/longStandingYears', 'rules.tiers.longStandingYears', 'rules.unit.years'),
        numberField(ed, '/tiers/longStandingBonusPercent', 'rules.tiers.longStandingBonusPercent', 'rules.unit.percent'),
      ),
    ),
    section(
      'rules.tiers.levels',
      tableList(
        ed,
        '/tiers/levels',
        [
          { key: 'id', labelKey: 'rules.id', input: (path) => textInput(ed, path, { dir: 'ltr' }) },
          { key: 'name', labelKey: 'rules.name', input: (path) => textInput(ed, path) },
          { key: 'minPoints', labelKey: 'rules.tiers.minPoints', input: (path) => numberInput(ed, path) },
          { key: 'multiplierPercent', labelKey: 'rules.multiplierPercent', input: (path) => numberInput(ed, path) },
          { key: 'discountPercent', labelKey: 'rules.tiers.discountPercent', input: (path) => numberInput(ed, path) },
        ],
        () => ({ id: freshId(getAt(ed.draft, '/tiers/levels'), 'tier'), name: '', minPoints: 0, multiplierPercent: 100, discountPercent: 0 }),
      ),
    ),
  ];
}

/**
 * `MM-DD` on a calendar as a day and a month picker (day first, as it is said in Persian).
 * @param {Editor} ed @param {string} path @param {'persian'|'islamic-umalqura'} calendar
 */
export function monthDayInput(ed, path, calendar) {
  const [month, day] = String(getAt(ed.draft, path) ?? '01-01').split('-').map(Number);
  const names = (calendar === 'persian' ? JALALI_MONTHS : HIJRI_MONTHS)[lang()];
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const daySelect = /** @type {HTMLSelectElement} */ (h('select.day', { 'data-testid': `field-${path}-day`, disabled: ed.readOnly, 'aria-label': t('rules.occasions.date') }, Array.from({ length: 31 }, (_, i) => h('option', { value: String(i + 1), selected: i + 1 === day }, formatNumber(i + 1)))));
  const monthSelect = /** @type {HTMLSelectElement} */ (h('select.month', { 'data-testid': `field-${path}-month`, disabled: ed.readOnly }, names.map((name, i) => h('option', { value: String(i + 1), selected: i + 1 === month }, name))));
  const write = () => {
    setAt(ed.draft, path, `${pad(Number(monthSelect.value))}-${pad(Number(daySelect.value))}`);
    ed.changed();
  };
  daySelect.addEventListener('change', write);
  monthSelect.addEventListener('change', write);
  return h('span.month-day', { 'data-path': path }, daySelect, monthSelect);
}

/**
 * A checkbox that adds or removes a group of optional fields (a campaign's date range, its hours).
 * @param {Editor} ed @param {string} base @param {string} labelKey @param {Record<string, unknown>} whenOn  the fields and their starting values
 */
function optionalGroup(ed, base, labelKey, whenOn, /** @type {() => Node} */ render, /** @type {string} */ offKey) {
  const keys = Object.keys(whenOn);
  const on = keys.some((key) => getAt(ed.draft, `${base}/${key}`) !== undefined);
  const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', checked: on, disabled: ed.readOnly, 'data-testid': `toggle-${base}/${keys[0]}` }));
  box.addEventListener('change', () => {
    for (const key of keys) setAt(ed.draft, `${base}/${key}`, box.checked ? whenOn[key] : undefined);
    ed.rerender();
  });
  return h('fieldset.rule-group', null, h('legend', null, h('label.inline', null, box, t(labelKey))), on ? render() : h('span.muted', null, t(offKey)));
}

/** @param {Editor} ed @param {string} path */
function weekdayPicker(ed, path) {
  /** @type {number[]|undefined} */
  const days = getAt(ed.draft, path);
  return h(
    'div.weekdays',
    { role: 'group', 'aria-label': t('rules.campaigns.weekdays') },
    WEEKDAYS[lang()].map((name, day) => {
      const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', checked: days?.includes(day) ?? false, disabled: ed.readOnly, 'data-testid': `weekday-${path}-${day}` }));
      box.addEventListener('change', () => {
        const next = new Set(getAt(ed.draft, path) ?? []);
        if (box.checked) next.add(day);
        else next.delete(day);
        setAt(ed.draft, path, next.size === 0 ? undefined : [...next].sort((a, b) => a - b));
        ed.changed();
      });
      return h('label.inline.weekday', null, box, name);
    }),
    h('span.muted.small', null, t('rules.campaigns.weekdaysHint')),
  );
}

/** @param {Editor} ed */
export function campaignsTab(ed) {
  /** @type {any[]} */
  const campaigns = getAt(ed.draft, '/earning/campaigns');
  const cards = campaigns.map((_, index) => {
    const base = `/earning/campaigns/${index}`;
    return h(
      'div.rule-item',
      { 'data-testid': `campaign-${index}` },
      h('div.item-head', null, h('strong', null, String(getAt(ed.draft, `${base}/name`) || getAt(ed.draft, `${base}/id`))), ed.readOnly ? null : h('span.item-actions', null, rowButtons(ed, campaigns, index))),
      grid(
        field(ed, `${base}/id`, 'rules.id', textInput(ed, `${base}/id`, { dir: 'ltr' })),
        field(ed, `${base}/name`, 'rules.name', textInput(ed, `${base}/name`)),
        numberField(ed, `${base}/multiplierPercent`, 'rules.multiplierPercent', 'rules.unit.percent'),
      ),
      optionalGroup(ed, base, 'rules.campaigns.dates', { fromJalali: '01-01', toJalali: '01-07' }, () =>
        grid(
          field(ed, `${base}/fromJalali`, 'rules.campaigns.from', monthDayInput(ed, `${base}/fromJalali`, 'persian')),
          field(ed, `${base}/toJalali`, 'rules.campaigns.to', monthDayInput(ed, `${base}/toJalali`, 'persian')),
        ), 'rules.campaigns.everyDay'),
      optionalGroup(ed, base, 'rules.campaigns.hours', { fromHour: 9, toHour: 11 }, () =>
        grid(numberField(ed, `${base}/fromHour`, 'rules.campaigns.fromHour'), numberField(ed, `${base}/toHour`, 'rules.campaigns.toHour')), 'rules.campaigns.allDay'),
      h('fieldset.rule-group', null, h('legend', null, t('rules.campaigns.weekdays')), weekdayPicker(ed, `${base}/weekdays`), errorSlot(ed, `${base}/weekdays`)),
      errorSlot(ed, base),
    );
  });
  return [
    section(
      'rules.campaigns.list',
      ...cards,
      errorSlot(ed, '/earning/campaigns'),
      ed.readOnly ? null : button(`+ ${t('rules.add')}`, () => addItem(ed, campaigns, () => ({ id: freshId(campaigns, 'campaign'), name: t('rules.tab.campaigns'), multiplierPercent: 200 })), 'secondary', { 'data-testid': 'add-campaign' }),
    ),
  ];
}

/** @param {Editor} ed */
export function occasionsTab(ed) {
  const calendars = ['persian', 'islamic-umalqura'].map((value) => ({ value, label: t(`rules.occasions.calendar.${value}`) }));
  return [
    section(
      'rules.tab.occasions',
      grid(
        numberField(ed, '/occasions/birthdayBonusPoints', 'rules.occasions.birthdayBonusPoints', 'rules.unit.points'),
        numberField(ed, '/occasions/anniversaryBonusPoints', 'rules.occasions.anniversaryBonusPoints', 'rules.unit.points'),
        numberField(ed, '/occasions/graceDays', 'rules.occasions.graceDays', 'rules.unit.days'),
      ),
    ),
    section(
      'rules.occasions.days',
      tableList(
        ed,
        '/occasions/days',
        [
          { key: 'id', labelKey: 'rules.id', input: (path) => textInput(ed, path, { dir: 'ltr' }) },
          { key: 'name', labelKey: 'rules.name', input: (path) => textInput(ed, path) },
          {
            key: 'calendar',
            labelKey: 'rules.occasions.calendar',
            input: (path) => selectInput(ed, path, calendars, { onPick: (value) => (setAt(ed.draft, path, value), ed.rerender()) }),
          },
          { key: 'monthDay', labelKey: 'rules.occasions.date', input: (path) => monthDayInput(ed, path, getAt(ed.draft, path.replace(/monthDay$/, 'calendar'))) },
          { key: 'bonusPoints', labelKey: 'rules.occasions.bonusPoints', input: (path) => numberInput(ed, path) },
        ],
        () => ({ id: freshId(getAt(ed.draft, '/occasions/days'), 'day'), name: '', calendar: 'persian', monthDay: '01-01', bonusPoints: 0 }),
      ),
    ),
  ];
}
