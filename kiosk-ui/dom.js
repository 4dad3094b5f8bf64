// A tiny element builder: the UI has no framework and no build step.

/**
 * @param {string} tag  `div.class1.class2`
 * @param {Record<string, unknown>|null} [attributes]
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
    else if (key === 'style' && typeof value === 'object') Object.assign(element.style, value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

/** A large touch button. @param {string} label @param {() => void} onClick @param {string} [kind] @param {Record<string, unknown>} [extra] */
export function button(label, onClick, kind = 'primary', extra = {}) {
  return h(`button.btn.${kind}`, { type: 'button', onclick: onClick, ...extra }, label);
}
