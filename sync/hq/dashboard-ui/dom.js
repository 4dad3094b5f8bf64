// A tiny element builder: the dashboard has no framework and no build step.

/**
 * @param {string} tag  `div.class1.class2`
 * @param {Record<string, unknown>|null} [attributes]  `onclick: fn` adds a listener; `false`/null/undefined skip
 * @param {...(Node|string|number|null|undefined|false|Array<Node|string|null|undefined|false>)} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes, ...children) {
  const [name, ...classes] = tag.split('.');
  const element = document.createElement(name || 'div');
  if (classes.length) element.className = classes.join(' ');
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

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
