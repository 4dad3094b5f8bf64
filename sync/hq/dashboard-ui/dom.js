// Building the dashboard's elements: it has no framework and no build step.

// The kiosk's element builder (`h('div.class', attributes, ...children)`), served as it is.
import { h } from './kiosk-ui/dom.js';

export { h };

/**
 * @param {string} label
 * @param {(event: Event) => void} onClick
 * @param {'primary'|'secondary'|'danger'|'link'} [kind]
 * @param {Record<string, unknown>} [extra]
 */
export function button(label, onClick, kind = 'primary', extra = {}) {
  return h(`button.btn.${kind}`, { type: 'button', onclick: onClick, ...extra }, label);
}

/** A message box; `role=alert` for errors so screen readers announce it. @param {'error'|'ok'|'info'} kind @param {string} text @param {string} [testid] */
export function notice(kind, text, testid) {
  return h(`div.notice.${kind}`, { role: kind === 'error' ? 'alert' : 'status', 'data-testid': testid }, text);
}

/** Reads a form field's value. @param {HTMLElement} form @param {string} name */
export function field(form, name) {
  const element = form.querySelector(`[name="${name}"]`);
  return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement ? element.value : '';
}
