// The dashboard shell: sign-in, the navigation the user's role allows, the language toggle,
// and hash routing (`#/<page>[/<param>…]`) to the page modules listed in pages/index.js.

import { api, ApiError, onUnauthorized, setCsrfToken } from './api.js';
import { button, h, notice } from './dom.js';
import { errorMessage, lang, setLang, t } from './i18n.js';
import { pages } from './pages/index.js';
import { renderSignIn } from './sign-in.js';

/** @typedef {import('./page.js').StaffUser} StaffUser */
/** @typedef {import('./page.js').Page} Page */

const root = /** @type {HTMLElement} */ (document.getElementById('root'));
/** @type {StaffUser|null} */
let user = null;
/** @type {(() => void)|undefined} */
let cleanup;
/** Each navigation gets a number; a slow page that finishes after the next navigation is dropped. */
let renderSeq = 0;

/** @param {StaffUser} who */
const allowedPages = (who) => pages.filter((page) => page.roles.includes(who.role));

function runCleanup() {
  const done = cleanup;
  cleanup = undefined;
  try {
    done?.();
  } catch {
    // A page's cleanup failing must not keep the next page from showing.
  }
}

function showSignIn() {
  runCleanup();
  user = null;
  document.title = `${t('app.title')} — ${t('app.subtitle')}`;
  root.replaceChildren(
    renderSignIn({
      onSignedIn(signedIn) {
        user = signedIn;
        showShell();
      },
      onLanguage: showSignIn,
    }),
  );
  root.querySelector('input')?.focus();
}

async function signOut() {
  try {
    await api('DELETE', '/session');
  } catch {
    // Signed out or not, the screen goes back to sign-in.
  }
  setCsrfToken('');
  showSignIn();
}

function showShell() {
  if (!user) return showSignIn();
  const signedIn = user;
  const nav = h(
    'nav.nav',
    { 'aria-label': t('app.menu') },
    allowedPages(signedIn)
      .filter((page) => !page.hidden)
      .map((page) => h('a.nav-link', { href: `#/${page.id}`, 'data-page': page.id, 'data-testid': `nav-${page.id}` }, t(page.titleKey))),
  );
  const header = h(
    'header.topbar',
    null,
    h('div.brand', null, h('div.logo', { 'aria-hidden': 'true' }, 'ب'), h('div', null, h('strong', null, t('app.title')), h('span', null, t('app.subtitle')))),
    h(
      'div.who',
      null,
      h('span.user', { 'data-testid': 'current-user' }, signedIn.displayName),
      h('span.badge', { 'data-testid': 'current-role' }, t(`role.${signedIn.role}`)),
      button(t('app.language'), () => {
        setLang(lang() === 'fa' ? 'en' : 'fa');
        showShell();
      }, 'link', { 'data-testid': 'lang-toggle' }),
      button(t('app.signOut'), () => void signOut(), 'secondary', { 'data-testid': 'sign-out' }),
    ),
  );
  const main = h('main.content', { id: 'content', tabindex: '-1' });
  root.replaceChildren(h('div.shell', null, header, nav, main));
  void route();
}

/** The page and its parameters from the location's hash. */
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  return { id: parts[0] ?? '', params: parts.slice(1) };
}

async function route() {
  const main = document.getElementById('content');
  if (!user || !main) return;
  const signedIn = user;
  const { id, params } = parseHash();
  const allowed = allowedPages(signedIn);
  const first = allowed.find((page) => !page.hidden);
  if (!id && first) {
    location.replace(`#/${first.id}`);
    return;
  }
  const seq = ++renderSeq;
  runCleanup();
  for (const link of document.querySelectorAll('.nav-link')) link.classList.toggle('active', link.getAttribute('data-page') === id);
  const page = pages.find((candidate) => candidate.id === id);
  const container = h('div.page', { 'data-page': id });
  main.replaceChildren(container);
  if (!page) return container.append(notice('info', t('app.notFound')));
  if (!allowed.includes(page)) return container.append(notice('error', t('app.forbidden'), 'page-forbidden'));
  document.title = `${t(page.titleKey)} — ${t('app.title')}`;
  const ctx = { user: signedIn, params, navigate: (/** @type {string} */ hash) => void (location.hash = hash) };
  try {
    const result = await page.render(container, ctx);
    if (seq !== renderSeq) {
      if (typeof result === 'function') result();
      return;
    }
    if (typeof result === 'function') cleanup = result;
  } catch (error) {
    if (seq !== renderSeq || (error instanceof ApiError && error.status === 401)) return;
    container.append(notice('error', errorMessage(error), 'page-error'), button(t('app.retry'), () => void route(), 'secondary'));
  }
}

async function start() {
  setLang(lang());
  onUnauthorized(showSignIn);
  window.addEventListener('hashchange', () => void route());
  try {
    const session = await api('GET', '/session');
    setCsrfToken(session.csrfToken);
    user = session.user;
    showShell();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignIn();
    root.replaceChildren(h('div.signin-page', null, notice('error', errorMessage(error)), button(t('app.retry'), () => void start(), 'primary')));
  }
}

void start();
