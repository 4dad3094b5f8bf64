// On-screen input: a numeric keypad (PINs, mobiles, amounts, Jalali dates, points) and a
// letter keyboard (names, reasons), so the kiosk never needs a physical keyboard.
import { h } from './dom.js';
import { currentLanguage, digits, t } from './i18n.js';

const PERSIAN_ROWS = ['ضصثقفغعهخحجچ', 'شسیبلاتنمکگ', 'ظطزرذدپوژآئ'];
const ENGLISH_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/**
 * A 3×4 numeric keypad.
 * @param {{ onKey: (key: string) => void, extraKey?: {label: string, key: string} }} options
 */
export function numericPad({ onKey, extraKey }) {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', extraKey ? extraKey.key : '', '0', 'back'];
  return h('div.keypad', { dir: 'ltr' }, keys.map((key) => {
    if (key === '') return h('span.key.blank');
    const label = key === 'back' ? '⌫' : extraKey && key === extraKey.key ? extraKey.label : digits(key);
    return h('button.key', { type: 'button', 'data-key': key, onclick: () => onKey(key) }, label);
  }));
}

/** @param {{ onKey: (key: string) => void }} options */
export function letterPad({ onKey }) {
  const rows = currentLanguage() === 'fa' ? PERSIAN_ROWS : ENGLISH_ROWS;
  return h('div.letters', null,
    rows.map((row) => h('div.letter-row', null, [...row].map((letter) => h('button.key.letter', { type: 'button', onclick: () => onKey(letter) }, letter)))),
    h('div.letter-row', null,
      h('button.key.wide', { type: 'button', onclick: () => onKey(' ') }, t('space')),
      h('button.key', { type: 'button', 'data-key': 'back', onclick: () => onKey('back') }, '⌫')));
}

/**
 * @typedef {'digits'|'text'|'jdate'|'signed'} FieldKind
 * @param {string} value @param {FieldKind} kind
 */
export function displayValue(value, kind) {
  if (kind === 'jdate') {
    const padded = value.padEnd(8, '_');
    return digits(`${padded.slice(0, 4)}/${padded.slice(4, 6)}/${padded.slice(6, 8)}`);
  }
  return kind === 'text' ? value : digits(value);
}

/**
 * Opens a full-screen editor for one field and resolves with the new value (or null).
 * @param {{ title: string, kind: FieldKind, value: string, maxLength: number }} field
 * @returns {Promise<string|null>}
 */
export function editField(field) {
  return new Promise((resolve) => {
    let value = field.value;
    const shown = h('div.editor-value', { 'data-testid': 'editor-value' });
    const update = () => {
      shown.textContent = displayValue(value, field.kind) || '\u00a0';
    };
    /** @param {string} key */
    const onKey = (key) => {
      if (key === 'back') value = value.slice(0, -1);
      else if (key === '±') value = value.startsWith('-') ? value.slice(1) : `-${value}`;
      else if (value.replace('-', '').length < field.maxLength) value += key;
      update();
    };
    const close = (/** @type {string|null} */ result) => {
      overlay.remove();
      resolve(result);
    };
    const pad = field.kind === 'text'
      ? letterPad({ onKey })
      : numericPad({ onKey, extraKey: field.kind === 'signed' ? { label: '±', key: '±' } : undefined });
    const overlay = h('div.editor', { role: 'dialog' },
      h('div.editor-box', null,
        h('div.editor-title', null, field.title),
        shown,
        pad,
        h('div.row', null,
          h('button.btn.secondary', { type: 'button', onclick: () => close(null) }, t('cancel')),
          h('button.btn.primary', { type: 'button', 'data-testid': 'editor-ok', onclick: () => close(value) }, t('save')))));
    update();
    document.body.append(overlay);
  });
}
