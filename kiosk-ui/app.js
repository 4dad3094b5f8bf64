// The kiosk screen: connects to the runtime, shows what it says, sends what is touched.
import { h } from './dom.js';
import { currentLanguage, setLanguage, t, num } from './i18n.js';
import { KioskConnection } from './protocol.js';
import { renderScreen } from './screens.js';
import { resetStaffForm, staffScreen } from './staff.js';

/** @typedef {import('../firmware/src/kiosk/protocol.js').KioskView} KioskView */

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
const banner = /** @type {HTMLElement} */ (document.getElementById('banner'));
const countdown = /** @type {HTMLElement} */ (document.getElementById('countdown'));
const toggle = /** @type {HTMLButtonElement} */ (document.getElementById('language'));
const toast = /** @type {HTMLElement} */ (document.getElementById('toast'));

/** @type {KioskView|null} */
let view = null;
let connected = false;
/** The visitor's language choice lasts for their session; the attract screen resets it. */
let chosenLanguage = /** @type {'fa'|'en'|null} */ (null);
let lastScreenName = '';

const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const connection = new KioskConnection(url, {
  onView(next, changed) {
    view = next;
    if ('screen' in changed || 'settings' in changed) renderAll();
    else {
      if ('idle' in changed) renderCountdown();
      if ('devices' in changed) renderBanner();
    }
  },
  onStatus(isConnected) {
    connected = isConnected;
    renderBanner();
  },
});

/** @param {string} command @param {Record<string, unknown>} [payload] */
function send(command, payload = {}) {
  return connection.request(/** @type {any} */ (command), payload);
}

/** @param {string} text */
function flash(text) {
  toast.textContent = text;
  toast.hidden = false;
  setTimeout(() => { toast.hidden = true; }, 3000);
}

function renderAll() {
  if (!view) return;
  const screenName = view.screen.name;
  if (screenName === 'attract' && lastScreenName !== 'attract') chosenLanguage = null;
  if (screenName !== 'staff' && lastScreenName === 'staff') resetStaffForm();
  lastScreenName = screenName;
  setLanguage(chosenLanguage ?? view.settings.language);
  document.body.dataset.screen = screenName;
  toggle.textContent = t('language');
  const ctx = { view, send, flash, rerender: renderAll };
  root.replaceChildren(renderScreen(ctx, view.screen, staffScreen));
  renderCountdown();
  renderBanner();
}

function renderCountdown() {
  const idle = view?.idle;
  if (!idle) {
    countdown.hidden = true;
    return;
  }
  countdown.hidden = false;
  const share = Math.max(0, Math.min(1, idle.remainingSeconds / idle.totalSeconds));
  countdown.replaceChildren(
    h('div.countdown-text', { 'data-testid': 'countdown' }, t('clearingIn', { n: num(idle.remainingSeconds) })),
    h('div.countdown-bar', null, h('div.countdown-fill', { style: { width: `${share * 100}%` } })));
}

function renderBanner() {
  const messages = [];
  if (!connected) messages.push(t('reconnecting'));
  else if (view && (view.devices.readers === 'offline' || view.devices.readers === 'absent')) messages.push(t('readersDown'));
  banner.hidden = messages.length === 0;
  banner.textContent = messages.join(' · ');
  banner.dataset.kind = connected ? 'device' : 'reconnecting';
  document.body.classList.toggle('offline', !connected);
}

toggle.addEventListener('click', () => {
  chosenLanguage = currentLanguage() === 'fa' ? 'en' : 'fa';
  renderAll();
  // A touch counts as activity: the countdown starts again.
  if (view?.idle) void send('session.touch').catch(() => undefined);
});

// Any touch on a timed screen restarts its countdown (a reader of the balance is not idle).
document.addEventListener('pointerdown', () => {
  if (view?.idle && connected) void send('session.touch').catch(() => undefined);
}, { capture: true, passive: true });

// No context menu, no text selection, no pinch zoom: this is a kiosk.
document.addEventListener('contextmenu', (event) => event.preventDefault());
renderBanner();
