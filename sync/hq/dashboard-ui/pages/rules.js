// The rule and campaign editor (managers; support reads): a structured editor of the `loyalty`
// document the kiosks apply, validated by the head office as it is typed, previewed against
// the chain's recent purchases, published with a reason, and kept in a version history.

import { api, ApiError } from '../api.js';
import { button, h, notice } from '../dom.js';
import { errorMessage, formatDateTime, formatNumber, registerStrings, t } from '../i18n.js';
import { definePage } from '../page.js';
import { clearProblems, showProblems } from './rules/fields.js';
import { renderHistory } from './rules/history-panel.js';
import { localMessage } from './rules/messages.js';
import { renderPreview } from './rules/preview-panel.js';
import { campaignsTab, earningTab, occasionsTab, tiersTab } from './rules/sections.js';
import { engagementTab, otherTab, rewardsTab } from './rules/sections-more.js';
import './rules/strings.js';

registerStrings({
  fa: { 'rules.daysOption': '{n} روز', 'audit.action.rules.publish': 'انتشار قوانین باشگاه', 'audit.action.rules.restore': 'بازگردانی نسخه قوانین' },
  en: { 'rules.daysOption': '{n} days', 'audit.action.rules.publish': 'Rules published', 'audit.action.rules.restore': 'Rules version restored' },
});

/** @typedef {import('./rules/fields.js').Editor} Editor */
/** @typedef {{path: string, message: string}} Problem */
/** @typedef {{valid: boolean, errors: Problem[], warnings: Problem[]}} Validation */

const STYLE_URL = '/ui/pages/rules/rules.css';
const VALIDATE_DELAY_MS = 300;
const PREVIEW_DAYS = [7, 30, 90, 365];

/** Each tab, and the paths whose problems it shows (the first match wins). */
const TABS = [
  { id: 'campaigns', render: campaignsTab, prefixes: ['/earning/campaigns'] },
  { id: 'earning', render: earningTab, prefixes: ['/earning'] },
  { id: 'tiers', render: tiersTab, prefixes: ['/tiers'] },
  { id: 'occasions', render: occasionsTab, prefixes: ['/occasions'] },
  { id: 'rewards', render: rewardsTab, prefixes: ['/rewards'] },
  { id: 'engagement', render: engagementTab, prefixes: ['/game', '/survey', '/lottery', '/referral'] },
  { id: 'other', render: otherTab, prefixes: [''] },
];
const TAB_ORDER = ['earning', 'campaigns', 'tiers', 'occasions', 'rewards', 'engagement', 'other'];

/** @param {string} path */
const tabOf = (path) => (TABS.find((tab) => tab.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || prefix === '')) ?? TABS[TABS.length - 1])?.id;

function useStyles() {
  if (!document.querySelector(`link[href="${STYLE_URL}"]`)) document.head.append(h('link', { rel: 'stylesheet', href: STYLE_URL }));
}

export default definePage({
  id: 'rules',
  titleKey: 'nav.rules',
  roles: ['manager', 'support'],
  async render(container, ctx) {
    useStyles();
    const readOnly = ctx.user.role !== 'manager';
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    let timer;
    let alive = true;

    /** @param {HTMLElement|null} [flash] */
    const load = async (flash = null) => {
      const loaded = await api('GET', '/rules');
      if (!alive) return;
      const baseline = JSON.stringify(loaded.rules);
      let tab = 'earning';
      /** @type {Validation|null} */
      let validation = null;
      let validatedFor = '';
      let previewedFor = '';
      let validateSeq = 0;
      const snapshot = () => JSON.stringify(ed.draft);

      const tabsBar = h('div.rule-tabs', { role: 'tablist' });
      const tabBody = h('div.rule-tab-body');
      const status = h('div.rule-status', { 'data-testid': 'rules-status', 'aria-live': 'polite' });
      const previewHolder = h('div.preview-holder');
      const message = h('div.message', { 'data-testid': 'publish-message' }, flash);
      const historyHolder = h('div');
      const days = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'preview-days', 'aria-label': t('rules.days') }, PREVIEW_DAYS.map((n) => h('option', { value: String(n), selected: n === 30 }, t('rules.daysOption', { n })))));
      const reason = /** @type {HTMLInputElement} */ (h('input', { type: 'text', maxlength: '500', placeholder: t('rules.reason'), 'aria-label': t('rules.reason'), 'data-testid': 'publish-reason' }));
      const previewButton = button(t('rules.preview'), () => void preview(), 'secondary', { 'data-testid': 'preview-button' });
      const publishButton = button(t('rules.publish'), () => void publish(), 'primary', { 'data-testid': 'publish-button', disabled: true });
      const actionHint = h('span.muted.small', { 'data-testid': 'publish-hint' });

      /** @type {Editor} */
      const ed = {
        draft: structuredClone(loaded.rules),
        schema: loaded.schema,
        readOnly,
        errorSlots: new Map(),
        refreshers: [],
        changed() {
          for (const refresh of ed.refreshers) refresh();
          updateActions();
          clearTimeout(timer);
          timer = setTimeout(() => void validate(), VALIDATE_DELAY_MS);
        },
        rerender() {
          renderTab();
          ed.changed();
        },
      };

      const renderTabs = () => {
        const counts = new Map();
        for (const problem of validation?.errors ?? []) counts.set(tabOf(problem.path), (counts.get(tabOf(problem.path)) ?? 0) + 1);
        tabsBar.replaceChildren(
          ...TAB_ORDER.map((id) =>
            h(
              `button.rule-tab${id === tab ? '.active' : ''}`,
              { type: 'button', role: 'tab', 'aria-selected': String(id === tab), 'data-testid': `rules-tab-${id}`, onclick: () => ((tab = id), renderTab()) },
              t(`rules.tab.${id}`),
              counts.get(id) ? h('span.error-count', null, formatNumber(counts.get(id))) : null,
            ),
          ),
        );
      };

      const renderTab = () => {
        ed.errorSlots.clear();
        ed.refreshers = [];
        const current = TABS.find((candidate) => candidate.id === tab) ?? TABS[1];
        tabBody.replaceChildren(...(current?.render(ed) ?? []));
        renderTabs();
        showValidation();
      };

      const showValidation = () => {
        clearProblems(ed);
        if (!validation) return status.replaceChildren();
        const unplaced = showProblems(ed, validation.errors, 'error');
        showProblems(ed, validation.warnings, 'warning'); // beside their fields only: warnings do not block
        const elsewhere = validation.errors.filter((problem) => tabOf(problem.path) !== tab);
        status.replaceChildren(
          validation.valid ? notice('ok', t('rules.valid'), 'rules-valid') : notice('error', t('rules.errors', { n: validation.errors.length }), 'rules-invalid'),
          ...[...unplaced.filter((problem) => tabOf(problem.path) === tab), ...elsewhere].slice(0, 8).map((problem) => h('div.small', null, h('code.ltr', null, problem.path), ' ', localMessage(problem.message))),
        );
      };

      const validate = async () => {
        const seq = ++validateSeq;
        const body = snapshot();
        try {
          const result = await api('POST', '/rules/validate', { body: ed.draft });
          if (seq !== validateSeq || !alive) return;
          validation = result;
          validatedFor = body;
          renderTabs();
          showValidation();
          updateActions();
        } catch (error) {
          if (seq === validateSeq) status.replaceChildren(notice('error', errorMessage(error)));
        }
      };

      const updateActions = () => {
        if (readOnly) return;
        const now = snapshot();
        const dirty = now !== baseline;
        const valid = validation?.valid === true && validatedFor === now;
        const previewed = previewedFor === now;
        previewHolder.classList.toggle('stale', previewedFor !== '' && !previewed);
        previewButton.toggleAttribute('disabled', !valid && validatedFor === now);
        publishButton.toggleAttribute('disabled', !(dirty && valid && previewed && reason.value.trim().length > 0));
        actionHint.textContent = !dirty ? '' : previewedFor !== '' && !previewed ? t('rules.previewStale') : !previewed ? t('rules.previewFirst') : t('rules.unsaved');
      };
      reason.addEventListener('input', updateActions);

      const preview = async () => {
        const body = snapshot();
        previewButton.setAttribute('disabled', '');
        previewHolder.replaceChildren(h('p.loading', null, t('rules.previewing')));
        try {
          const result = await api('POST', '/rules/preview', { body: JSON.parse(body), days: Number(days.value) });
          if (!alive) return;
          previewedFor = body;
          previewHolder.replaceChildren(renderPreview(result));
        } catch (error) {
          previewHolder.replaceChildren(notice('error', errorMessage(error), 'preview-error'));
        } finally {
          previewButton.removeAttribute('disabled');
          updateActions();
        }
      };

      const publish = async () => {
        publishButton.setAttribute('disabled', '');
        try {
          const result = await api('PUT', '/rules', { expectedVersion: loaded.version, body: ed.draft, reason: reason.value.trim() });
          await load(notice('ok', t('rules.published', { n: result.version }), 'publish-ok'));
        } catch (error) {
          const conflict = error instanceof ApiError && error.code === 'VERSION_CONFLICT';
          message.replaceChildren(
            notice('error', conflict ? t('rules.conflict') : errorMessage(error), conflict ? 'publish-conflict' : 'publish-error'),
            conflict ? button(t('rules.reload'), () => void load(), 'secondary', { 'data-testid': 'rules-reload' }) : '',
          );
          updateActions();
        }
      };

      const discard = () => {
        ed.draft = structuredClone(loaded.rules);
        previewedFor = '';
        previewHolder.replaceChildren();
        ed.rerender();
      };

      const versionLine = loaded.version === 0
        ? t('rules.versionDefaults')
        : `${t('rules.version', { n: loaded.version })} · ${t('rules.publishedAt', { when: formatDateTime(loaded.updatedAtMs) })}`;
      container.replaceChildren(
        h('div.page-head', null, h('h1', null, t('rules.title')), h('p.hint', null, t('rules.hint')), h('p', null, h('span.badge', { 'data-testid': 'rules-version', 'data-version': String(loaded.version) }, versionLine))),
        loaded.problems ? notice('error', t('rules.storedProblems', { n: loaded.problems.length })) : '',
        readOnly ? notice('info', t('rules.readOnly'), 'rules-read-only') : '',
        message,
        tabsBar,
        tabBody,
        status,
        readOnly
          ? ''
          : h(
              'div.rule-actions',
              null,
              h('label.inline', null, t('rules.days'), days),
              previewButton,
              reason,
              publishButton,
              button(t('rules.discard'), discard, 'link', { 'data-testid': 'discard-button' }),
              actionHint,
            ),
        previewHolder,
        historyHolder,
      );
      renderTab();
      await validate();
      historyHolder.replaceChildren(await renderHistory({ canRestore: !readOnly, currentVersion: loaded.version, onRestored: (from, version) => void load(notice('ok', t('rules.hist.restored', { from, n: version }), 'restore-ok')) }));
    };

    await load();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  },
});
