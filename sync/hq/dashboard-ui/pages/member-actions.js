// What staff do to a member: block a card, adjust points, merge a duplicate. Each asks for
// what the server requires (a reason, a confirmation) before sending, and says what happened.

import { api } from '../api.js';
import { button, field, h, notice } from '../dom.js';
import { errorMessage, formatDigits, formatPoints, formatNumber, t } from '../i18n.js';

export const STORE_MANAGER_ADJUSTMENT_MAX_POINTS = 10_000;
const REASON_LENGTH_MIN = 3;

/** Persian and Arabic digits and minus signs as typed on a Persian keyboard → a number, or NaN. @param {string} text */
export function parsePoints(text) {
  const ascii = text
    .trim()
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/[,\u066c\u060c\s]/g, '');
  return /^[+-]?\d{1,9}$/.test(ascii) ? Number(ascii) : Number.NaN;
}

/**
 * @param {string} cardId
 * @param {() => void} close
 * @param {(message: HTMLElement) => void} reload
 */
export function blockPanel(cardId, close, reload) {
  const message = h('div.message');
  const form = h(
    'form.card.panel',
    { 'data-testid': 'block-panel', novalidate: true },
    h('h2', null, t('member.blockTitle', { card: cardId })),
    h('p.muted', null, t('member.blockHint')),
    h('label', null, t('member.blockReason'), h('textarea', { name: 'reason', rows: 2, maxlength: 300, required: true, 'data-testid': 'block-reason' })),
    message,
    h('div.row', null, h('button.btn.danger', { type: 'submit', 'data-testid': 'block-confirm' }, t('member.blockConfirm')), button(t('common.cancel'), close, 'secondary')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = field(form, 'reason').trim();
    if (reason.length < REASON_LENGTH_MIN) return void message.replaceChildren(notice('error', t('member.reasonRequired')));
    await send(form, message, () => api('POST', `/cards/${encodeURIComponent(cardId)}/block`, { reason }), () => reload(notice('ok', t('member.blockDone', { card: cardId }), 'block-done')));
  });
  queueMicrotask(() => /** @type {HTMLTextAreaElement|null} */ (form.querySelector('textarea'))?.focus());
  return form;
}

/**
 * @param {string} memberId
 * @param {'manager'|'store-manager'} role
 * @param {(message: HTMLElement) => void} reload
 */
export function adjustSection(memberId, role, reload) {
  const message = h('div.message');
  const form = h(
    'form.card.panel',
    { 'data-testid': 'adjust-panel', novalidate: true },
    h('h2', null, t('member.adjustTitle')),
    h('p.muted', null, t('member.adjustHint')),
    role === 'store-manager' ? h('p.muted', null, t('member.adjustCap', { n: STORE_MANAGER_ADJUSTMENT_MAX_POINTS })) : null,
    h(
      'div.row.fields',
      null,
      h('label.narrow', null, t('member.adjustPoints'), h('input', { name: 'points', inputmode: 'numeric', dir: 'ltr', maxlength: 12, required: true, 'data-testid': 'adjust-points' })),
      h('label.grow', null, t('member.adjustReason'), h('input', { name: 'reason', maxlength: 300, required: true, 'data-testid': 'adjust-reason' })),
    ),
    message,
    h('button.btn.primary', { type: 'submit', 'data-testid': 'adjust-submit' }, t('member.adjustSubmit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const points = parsePoints(field(form, 'points'));
    const reason = field(form, 'reason').trim();
    if (!Number.isInteger(points) || points === 0) return void message.replaceChildren(notice('error', t('member.pointsInvalid')));
    if (role === 'store-manager' && Math.abs(points) > STORE_MANAGER_ADJUSTMENT_MAX_POINTS) {
      return void message.replaceChildren(notice('error', t('member.pointsOverCap', { n: STORE_MANAGER_ADJUSTMENT_MAX_POINTS })));
    }
    if (reason.length < REASON_LENGTH_MIN) return void message.replaceChildren(notice('error', t('member.reasonRequired')));
    await send(form, message, () => api('POST', `/members/${encodeURIComponent(memberId)}/adjustments`, { points, reason }), () =>
      reload(notice('ok', t('member.adjustDone', { points: `${points > 0 ? '+' : ''}${formatNumber(points)}` }), 'adjust-done')),
    );
  });
  return form;
}

/**
 * @param {{id: string, storeId: string, name: string, phone: string, balances: Record<string, number>}} survivor
 * @param {(message: HTMLElement) => void} reload
 */
export function mergeSection(survivor, reload) {
  const results = h('div.merge-results');
  const form = h(
    'form.row.fields',
    { novalidate: true },
    h('label.grow', null, t('member.mergeSearch'), h('input', { name: 'q', maxlength: 100, 'data-testid': 'merge-search' })),
    h('button.btn.secondary', { type: 'submit', 'data-testid': 'merge-find' }, t('member.mergeFind')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = field(form, 'q').trim();
    if (!q) return;
    try {
      const found = await api('GET', `/members?q=${encodeURIComponent(q)}&limit=20`);
      /** @type {Array<{id: string, storeId: string, name: string, phone: string, points: number}>} */
      const candidates = found.members.filter((/** @type {{id: string, storeId: string}} */ m) => m.id !== survivor.id && m.storeId === survivor.storeId);
      results.replaceChildren(
        candidates.length === 0
          ? notice('info', t('member.mergeNone'))
          : h(
              'ul.candidates',
              null,
              candidates.map((candidate) =>
                h('li', null, `${candidate.name} · `, h('span.ltr', null, formatDigits(candidate.phone)), ' ', button(t('member.mergePick'), () => results.replaceChildren(confirmMerge(survivor, candidate, reload)), 'secondary', { 'data-testid': 'merge-candidate', 'data-member-id': candidate.id })),
              ),
            ),
      );
    } catch (error) {
      results.replaceChildren(notice('error', errorMessage(error)));
    }
  });
  return h('section.card.panel', { 'data-testid': 'merge-panel' }, h('h2', null, t('member.mergeTitle')), h('p.muted', null, t('member.mergeHint')), form, results);
}

/**
 * Both members side by side, so the person merging sees what they are about to do.
 * @param {{id: string, name: string, phone: string, balances: Record<string, number>}} survivor
 * @param {{id: string, name: string, phone: string, points: number}} merged
 * @param {(message: HTMLElement) => void} reload
 */
function confirmMerge(survivor, merged, reload) {
  const message = h('div.message');
  /** @param {string} label @param {string} name @param {string} phone @param {number} points @param {string} id */
  const side = (label, name, phone, points, id) =>
    h('div.merge-side', null, h('div.badge', null, label), h('strong', null, name), h('div.ltr', null, formatDigits(phone)), h('div', null, formatPoints(points)), h('div.small.muted.ltr', null, id));
  const confirm = button(t('member.mergeConfirm'), async () => {
    await send(box, message, () => api('POST', `/members/${encodeURIComponent(survivor.id)}/merge`, { mergedMemberId: merged.id }), () => reload(notice('ok', t('member.mergeDone'), 'merge-done')));
  }, 'danger', { 'data-testid': 'merge-confirm' });
  const box = h(
    'div.merge-confirm',
    { 'data-testid': 'merge-confirmation' },
    h('h3', null, t('member.mergeConfirmTitle')),
    h('div.merge-pair', null, side(t('member.mergeKeeps'), survivor.name, survivor.phone, survivor.balances.points ?? 0, survivor.id), side(t('member.mergeGoes'), merged.name, merged.phone, merged.points, merged.id)),
    message,
    confirm,
  );
  return box;
}

/**
 * Sends once (the buttons are disabled meanwhile) and shows the server's refusal, which
 * names the field at fault, next to the form.
 * @param {HTMLElement} form @param {HTMLElement} message
 * @param {() => Promise<unknown>} request @param {() => void} done
 */
async function send(form, message, request, done) {
  const buttons = [...form.querySelectorAll('button')];
  for (const b of buttons) b.disabled = true;
  message.replaceChildren();
  try {
    await request();
    done();
  } catch (error) {
    message.replaceChildren(notice('error', errorMessage(error), 'action-error'));
    for (const b of buttons) b.disabled = false;
  }
}
