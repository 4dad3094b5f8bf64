// The sign-in form: the first thing a member of staff sees, in either language.

import { api, ApiError, setCsrfToken } from './api.js';
import { h, field, notice } from './dom.js';
import { errorMessage, lang, setLang, t } from './i18n.js';

/** @typedef {import('./page.js').StaffUser} StaffUser */

/**
 * @param {{ onSignedIn: (user: StaffUser) => void, onLanguage: () => void }} handlers
 * @returns {HTMLElement}
 */
export function renderSignIn(handlers) {
  const message = h('div.message');
  const submit = h('button.btn.primary.wide', { type: 'submit', 'data-testid': 'signin-submit' }, t('signin.submit'));
  const form = h(
    'form.signin-form',
    { novalidate: true },
    h('h1', null, t('signin.title')),
    h('label', null, t('signin.username'), h('input', { name: 'username', autocomplete: 'username', dir: 'ltr', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 63, 'data-testid': 'signin-username' })),
    h('label', null, t('signin.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', dir: 'ltr', required: true, maxlength: 200, 'data-testid': 'signin-password' })),
    message,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = field(form, 'username').trim();
    const password = field(form, 'password');
    if (!username || !password) {
      message.replaceChildren(notice('error', t('signin.empty'), 'signin-error'));
      return;
    }
    submit.setAttribute('disabled', '');
    message.replaceChildren();
    try {
      const session = await api('POST', '/session', { username, password });
      setCsrfToken(session.csrfToken);
      handlers.onSignedIn(session.user);
    } catch (error) {
      message.replaceChildren(notice('error', signInError(error), 'signin-error'));
      submit.removeAttribute('disabled');
    }
  });
  const toggle = h('button.btn.link.lang', { type: 'button', 'data-testid': 'lang-toggle', onclick: () => {
    setLang(lang() === 'fa' ? 'en' : 'fa');
    handlers.onLanguage();
  } }, t('app.language'));
  return h(
    'div.signin-page',
    null,
    h('header.signin-brand', null, h('div.logo', { 'aria-hidden': 'true' }, 'ب'), h('div', null, h('strong', null, t('app.title')), h('span', null, t('app.subtitle'))), toggle),
    form,
  );
}

/** @param {unknown} error */
function signInError(error) {
  if (error instanceof ApiError && error.code === 'UNAUTHORIZED') return t('signin.wrong');
  if (error instanceof ApiError && error.code === 'LOCKED_OUT') return t('signin.locked', { minutes: Math.ceil((error.retryAfterS ?? 900) / 60) });
  return errorMessage(error);
}
