// Every published version of the rules: who published it, when and why, what changed; a
// manager can bring an earlier one back (it is published again as a new version).

import { api } from '../../api.js';
import { button, h, notice } from '../../dom.js';
import { errorMessage, formatDateTime, formatDigits, formatNumber, lang, registerStrings, t } from '../../i18n.js';

registerStrings({
  fa: {
    'rules.hist.title': 'نسخه‌های منتشرشده',
    'rules.hist.version': 'نسخه',
    'rules.hist.when': 'زمان',
    'rules.hist.who': 'منتشرکننده',
    'rules.hist.reason': 'دلیل',
    'rules.hist.changes': 'تغییرات',
    'rules.hist.current': 'در حال اجرا',
    'rules.hist.restoredFrom': 'بازگردانی نسخه {n}',
    'rules.hist.restore': 'بازگردانی',
    'rules.hist.restoreReason': 'دلیل بازگردانی',
    'rules.hist.confirm': 'بازگردانی به عنوان نسخه جدید',
    'rules.hist.restored': 'نسخه {from} به عنوان نسخه {n} دوباره منتشر شد.',
    'rules.hist.empty': 'هنوز نسخه‌ای از داشبورد منتشر نشده است.',
    'rules.hist.changeCount': '{n} تغییر',
  },
  en: {
    'rules.hist.title': 'Published versions',
    'rules.hist.version': 'Version',
    'rules.hist.when': 'When',
    'rules.hist.who': 'Published by',
    'rules.hist.reason': 'Reason',
    'rules.hist.changes': 'Changes',
    'rules.hist.current': 'in force',
    'rules.hist.restoredFrom': 'restores version {n}',
    'rules.hist.restore': 'Restore',
    'rules.hist.restoreReason': 'Reason for restoring',
    'rules.hist.confirm': 'Restore as a new version',
    'rules.hist.restored': 'Version {from} was published again as version {n}.',
    'rules.hist.empty': 'No version has been published from the dashboard yet.',
    'rules.hist.changeCount': '{n} change(s)',
  },
});

/** @typedef {{version: number, publishedAtMs: number, publishedBy: string, reason: string, restoredFromVersion: number|null, changes: Array<{path: string, from?: unknown, to?: unknown}>, current: boolean}} VersionSummary */

/** @param {{path: string, from?: unknown, to?: unknown}} change */
const changeText = (change) => `${change.path}: ${formatDigits(String(change.from ?? '∅'))}${lang() === 'fa' ? ' ← ' : ' → '}${formatDigits(String(change.to ?? '∅'))}`;

/**
 * @param {{canRestore: boolean, currentVersion: number, onRestored: (from: number, version: number) => void}} options
 * @returns {Promise<HTMLElement>}
 */
export async function renderHistory(options) {
  const { versions } = /** @type {{versions: VersionSummary[]}} */ (await api('GET', '/rules/versions?limit=50'));
  const message = h('div.message');
  /** @param {VersionSummary} entry */
  const restoreCell = (entry) => {
    if (!options.canRestore || entry.current) return h('td');
    const cell = h('td');
    const open = () => {
      const reason = /** @type {HTMLInputElement} */ (h('input', { type: 'text', maxlength: '500', placeholder: t('rules.hist.restoreReason'), 'data-testid': `restore-reason-${entry.version}` }));
      const confirm = button(t('rules.hist.confirm'), async () => {
        if (!reason.value.trim()) return reason.focus();
        confirm.setAttribute('disabled', '');
        try {
          const result = await api('POST', `/rules/versions/${entry.version}/restore`, { expectedVersion: options.currentVersion, reason: reason.value.trim() });
          message.replaceChildren(notice('ok', t('rules.hist.restored', { from: entry.version, n: result.version }), 'restore-ok'));
          options.onRestored(entry.version, result.version);
        } catch (error) {
          message.replaceChildren(notice('error', errorMessage(error), 'restore-error'));
          confirm.removeAttribute('disabled');
        }
      }, 'danger', { 'data-testid': `restore-confirm-${entry.version}` });
      cell.replaceChildren(h('div.restore', null, reason, confirm));
      reason.focus();
    };
    cell.append(button(t('rules.hist.restore'), open, 'secondary', { 'data-testid': `restore-${entry.version}` }));
    return cell;
  };
  const rows = versions.map((entry) =>
    h(
      'tr',
      { 'data-testid': `version-${entry.version}`, class: entry.current ? 'current' : '' },
      h('td.num', null, formatNumber(entry.version), entry.current ? h('span.badge.ok', null, t('rules.hist.current')) : null),
      h('td', null, formatDateTime(entry.publishedAtMs)),
      h('td.ltr', null, entry.publishedBy),
      h('td', null, entry.reason, entry.restoredFromVersion !== null ? h('div.muted.small', null, t('rules.hist.restoredFrom', { n: entry.restoredFromVersion })) : null),
      h('td', null, h('details', null, h('summary', null, t('rules.hist.changeCount', { n: entry.changes.length })), h('ul.changes', null, entry.changes.map((change) => h('li.ltr', null, changeText(change)))))),
      restoreCell(entry),
    ),
  );
  return h(
    'section.card',
    { 'data-testid': 'rules-history' },
    h('h2', null, t('rules.hist.title')),
    message,
    versions.length === 0
      ? h('p.muted', null, t('rules.hist.empty'))
      : h('div.table-wrap', null, h('table.table.compact', null, h('thead', null, h('tr', null, ['rules.hist.version', 'rules.hist.when', 'rules.hist.who', 'rules.hist.reason', 'rules.hist.changes', ''].map((key) => h('th', null, key ? t(key) : '')))), h('tbody', null, rows))),
  );
}
