// The editor's building blocks: JSON-pointer access to the draft and to the kiosk's schema,
// and fields that write straight into the draft. Every field has a slot next to it where the
// server's validation errors for its path appear.

import { button, h } from '../../dom.js';
import { formatDigits, formatNumber, t } from '../../i18n.js';
import { localMessage } from './messages.js';

/**
 * @typedef {object} Editor
 * @property {any} draft  the `loyalty` section being edited
 * @property {any} schema  the kiosk's JSON schema of the section (from GET /rules)
 * @property {boolean} readOnly
 * @property {() => void} changed  a value changed: validate again, the preview is stale
 * @property {() => void} rerender  the shape changed (an item added, a kind switched): redraw
 * @property {Map<string, HTMLElement>} errorSlots  path → where that path's errors show
 * @property {Array<() => void>} refreshers  figures computed from the draft (odds), redrawn on every change
 */

/** @param {string} path @returns {string[]} */
const segments = (path) => path.split('/').slice(1).map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));

/** @param {any} root @param {string} path @returns {any} */
export function getAt(root, path) {
  let node = root;
  for (const key of segments(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[key];
  }
  return node;
}

/** Writes a value; `undefined` removes the field (optional fields the kiosk treats as absent). @param {any} root @param {string} path @param {unknown} value */
export function setAt(root, path, value) {
  const keys = segments(path);
  const last = /** @type {string} */ (keys.pop());
  let node = root;
  for (const key of keys) node = node[key];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** The schema node that describes `path` (object properties, array items). @param {any} schema @param {string} path @returns {any} */
export function schemaAt(schema, path) {
  let node = schema;
  for (const key of segments(path)) {
    if (!node) return undefined;
    node = node.type === 'array' ? node.items : node.properties?.[key];
  }
  return node;
}

/** Persian or Arabic digits typed into a field → ASCII. @param {string} text */
export const asciiDigits = (text) => text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[,٬،\s]/g, '');

/** A number as the field shows it: Persian digits in Persian, no grouping. @param {unknown} value */
const shown = (value) => (value === undefined || value === null ? '' : formatDigits(String(value)));

/** Where the errors of `path` show. @param {Editor} ed @param {string} path */
export function errorSlot(ed, path) {
  const slot = h('div.field-error', { 'data-error-for': path, role: 'alert' });
  ed.errorSlots.set(path, slot);
  return slot;
}

/** Puts each problem in the slot of its path, or of the nearest enclosing path that has one. @param {Editor} ed @param {Array<{path: string, message: string}>} problems @param {'error'|'warning'} kind @returns {Array<{path: string, message: string}>} the problems no slot took */
export function showProblems(ed, problems, kind) {
  const unplaced = [];
  for (const problem of problems) {
    let path = problem.path;
    while (path && !ed.errorSlots.has(path)) path = path.slice(0, path.lastIndexOf('/'));
    const slot = ed.errorSlots.get(path || '/');
    if (!slot) {
      unplaced.push(problem);
      continue;
    }
    slot.append(h(`span.${kind}`, { 'data-problem-path': problem.path }, localMessage(problem.message)));
    slot.closest('.rule-field, td, .rule-item')?.classList.add(kind === 'error' ? 'has-error' : 'has-warning');
  }
  return unplaced;
}

/** @param {Editor} ed */
export function clearProblems(ed) {
  for (const slot of ed.errorSlots.values()) {
    slot.replaceChildren();
    slot.closest('.rule-field, td, .rule-item')?.classList.remove('has-error', 'has-warning');
  }
}

/** A limit hint from the schema: "1 – 1,000". @param {any} node */
function rangeHint(node) {
  if (!node || (node.minimum === undefined && node.maximum === undefined)) return '';
  return `${formatNumber(node.minimum ?? 0)} – ${formatNumber(node.maximum ?? 0)}`;
}

/**
 * A whole-number input bound to `path`. An empty optional field is removed from the draft;
 * text that is not a number is kept as text so the server names the problem.
 * @param {Editor} ed @param {string} path @param {{optional?: boolean}} [options]
 */
export function numberInput(ed, path, options = {}) {
  const node = schemaAt(ed.schema, path);
  const input = /** @type {HTMLInputElement} */ (h('input.num-input', { type: 'text', inputmode: 'numeric', 'data-testid': `field-${path}`, 'data-path': path, title: rangeHint(node), disabled: ed.readOnly }));
  input.value = shown(getAt(ed.draft, path));
  input.addEventListener('input', () => {
    const text = asciiDigits(input.value);
    if (text === '' && options.optional) setAt(ed.draft, path, undefined);
    else setAt(ed.draft, path, /^-?\d+$/.test(text) ? Number(text) : text);
    ed.changed();
  });
  return input;
}

/** @param {Editor} ed @param {string} path @param {{dir?: string}} [options] */
export function textInput(ed, path, options = {}) {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', 'data-testid': `field-${path}`, 'data-path': path, dir: options.dir ?? 'auto', disabled: ed.readOnly }));
  input.value = String(getAt(ed.draft, path) ?? '');
  input.addEventListener('input', () => {
    setAt(ed.draft, path, input.value);
    ed.changed();
  });
  return input;
}

/**
 * @param {Editor} ed @param {string} path @param {Array<{value: string, label: string}>} choices
 * @param {{onPick?: (value: string) => void}} [options]  onPick replaces the plain write (a kind that reshapes the item)
 */
export function selectInput(ed, path, choices, options = {}) {
  const current = getAt(ed.draft, path);
  const select = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': `field-${path}`, 'data-path': path, disabled: ed.readOnly }, choices.map((choice) => h('option', { value: choice.value, selected: String(current ?? '') === choice.value }, choice.label))));
  select.addEventListener('change', () => {
    if (options.onPick) return options.onPick(select.value);
    setAt(ed.draft, path, select.value === '' ? undefined : select.value);
    ed.changed();
  });
  return select;
}

/** A labelled field with its unit and error slot. @param {Editor} ed @param {string} path @param {string} labelKey @param {HTMLElement} input @param {string} [unitKey] */
export function field(ed, path, labelKey, input, unitKey) {
  return h('label.rule-field', null, h('span.rule-label', null, t(labelKey)), h('span.input-row', null, input, unitKey ? h('span.unit', null, t(unitKey)) : null), errorSlot(ed, path));
}

/** @param {Editor} ed @param {string} path @param {string} labelKey @param {string} [unitKey] @param {{optional?: boolean}} [options] */
export const numberField = (ed, path, labelKey, unitKey, options) => field(ed, path, labelKey, numberInput(ed, path, options), unitKey);

/**
 * A list as a table: one row per item, one input per column, add / remove / move up.
 * @param {Editor} ed @param {string} path
 * @param {Array<{key: string, labelKey: string, input: (itemPath: string) => HTMLElement}>} columns
 * @param {() => Record<string, unknown>} makeNew
 * @param {{extra?: (item: any, index: number) => Node|string}} [options]  a computed read-only cell (odds)
 */
export function tableList(ed, path, columns, makeNew, options = {}) {
  /** @type {any[]} */
  const items = getAt(ed.draft, path) ?? [];
  const rows = items.map((item, index) =>
    h(
      'tr',
      { 'data-testid': `row-${path}/${index}` },
      columns.map((column) => h('td', null, column.input(`${path}/${index}/${column.key}`), errorSlot(ed, `${path}/${index}/${column.key}`))),
      options.extra ? h('td.num', null, options.extra(item, index)) : null,
      ed.readOnly ? null : h('td.row-actions', null, rowButtons(ed, items, index), errorSlot(ed, `${path}/${index}`)),
    ),
  );
  return h(
    'div.table-wrap.rule-list',
    null,
    h('table.table.compact', null, h('thead', null, h('tr', null, columns.map((column) => h('th', null, t(column.labelKey))), options.extra ? h('th') : null, ed.readOnly ? null : h('th'))), h('tbody', null, rows)),
    errorSlot(ed, path),
    ed.readOnly ? null : button(`+ ${t('rules.add')}`, () => addItem(ed, items, makeNew), 'secondary', { 'data-testid': `add-${path}` }),
  );
}

/** @param {Editor} ed @param {any[]} items @param {number} index */
export function rowButtons(ed, items, index) {
  return [
    index > 0 ? button('↑', () => {
      [items[index - 1], items[index]] = [items[index], items[index - 1]];
      ed.rerender();
    }, 'link', { title: t('rules.moveUp'), 'aria-label': t('rules.moveUp') }) : null,
    button('✕', () => {
      items.splice(index, 1);
      ed.rerender();
    }, 'link', { title: t('rules.remove'), 'aria-label': t('rules.remove'), 'data-testid': 'remove-item' }),
  ];
}

/** @param {Editor} ed @param {any[]} items @param {() => Record<string, unknown>} makeNew */
export function addItem(ed, items, makeNew) {
  items.push(makeNew());
  ed.rerender();
}

/** A fresh id not used in the list: `new-1`, `new-2`, … @param {Array<{id?: string}>} items @param {string} stem */
export function freshId(items, stem) {
  for (let n = 1; ; n++) if (!items.some((item) => item.id === `${stem}-${n}`)) return `${stem}-${n}`;
}
