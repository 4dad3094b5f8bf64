// The survey questions' wording on the kiosk, in Persian and English. Absent from the draft,
// the kiosk uses its built-in wording, shown here as each field's placeholder. The first edit
// fills in the built-in wording for the other fields, since the kiosk takes both
// questions or none; "back to built-in" removes them again.

import { button, h } from '../../dom.js';
import { t } from '../../i18n.js';
import { errorSlot, getAt, schemaAt, setAt } from './fields.js';
import { grid } from './sections.js';

/** @typedef {import('./fields.js').Editor} Editor */

const QUESTIONS = ['csat', 'nps'];
const LANGUAGES = ['fa', 'en'];
const BASE = '/survey/questions';

/** The kiosk's built-in wording, which the schema carries as its example. @param {Editor} ed @returns {Record<string, Record<string, string>>} */
function builtIn(ed) {
  const node = schemaAt(ed.schema, BASE);
  return node?.examples?.[0] ?? {};
}

/** @param {Editor} ed */
export function surveyQuestions(ed) {
  const defaults = builtIn(ed);
  /** @type {Array<{input: HTMLInputElement, path: string}>} */
  const inputs = [];
  const backToBuiltIn = button(t('rules.survey.builtIn'), () => {
    setAt(ed.draft, BASE, undefined);
    ed.rerender();
  }, 'secondary', { 'data-testid': 'survey-built-in', hidden: getAt(ed.draft, BASE) === undefined });
  const fieldOf = (/** @type {string} */ question, /** @type {string} */ language) => {
    const path = `${BASE}/${question}/${language}`;
    const input = /** @type {HTMLInputElement} */ (h('input', {
      type: 'text',
      'data-testid': `field-${path}`,
      'data-path': path,
      dir: language === 'fa' ? 'rtl' : 'ltr',
      maxlength: '200',
      placeholder: defaults[question]?.[language] ?? '',
      disabled: ed.readOnly,
    }));
    input.value = String(getAt(ed.draft, path) ?? '');
    input.addEventListener('input', () => {
      if (getAt(ed.draft, BASE) === undefined) {
        setAt(ed.draft, BASE, structuredClone(defaults));
        for (const other of inputs) if (other.input !== input) other.input.value = String(getAt(ed.draft, other.path) ?? '');
        backToBuiltIn.hidden = false;
      }
      setAt(ed.draft, path, input.value);
      ed.changed();
    });
    inputs.push({ input, path });
    return h('label.rule-field', null,
      h('span.rule-label', null, `${t(`rules.survey.q.${question}`)} · ${t(`rules.survey.lang.${language}`)}`),
      h('span.input-row', null, input),
      errorSlot(ed, path));
  };
  return h('div.survey-questions', { 'data-testid': 'survey-questions' },
    h('h3', null, t('rules.survey.wording')),
    h('p.muted', null, t('rules.survey.wordingHint')),
    grid(...QUESTIONS.flatMap((question) => LANGUAGES.map((language) => fieldOf(question, language)))),
    errorSlot(ed, BASE),
    ed.readOnly ? null : backToBuiltIn);
}
