// Lottery rounds run by the head office (managers): open a round at the kiosks of some stores
// or the whole chain, follow each kiosk's open and draw, reveal the seed after closing and see
// the winners each kiosk drew from its own tickets.

import { api } from '../api.js';
import { button, field, h, notice } from '../dom.js';
import { errorMessage, formatDateTime, formatNumber, registerStrings, t } from '../i18n.js';
import { definePage } from '../page.js';

registerStrings({
  fa: {
    'nav.lottery': 'قرعه‌کشی‌ها',
    'lottery.title': 'دوره‌های قرعه‌کشی',
    'lottery.hint': 'دفتر مرکزی قرعه‌کشی را در کیوسک‌ها باز می‌کند و فقط چکیدهٔ بذر را منتشر می‌کند. پس از پایان فروش بلیت، بذر فاش می‌شود و هر کیوسک از میان بلیت‌های خودش برندگان را انتخاب می‌کند (برندگان برای هر کیوسک جداست).',
    'lottery.new': 'قرعه‌کشی تازه',
    'lottery.id': 'شناسه (حروف کوچک لاتین، رقم و خط تیره)',
    'lottery.name': 'عنوان',
    'lottery.prizes': 'جایزه‌ها (هر خط یک جایزه: عنوان | امتیاز)',
    'lottery.closesAt': 'پایان فروش بلیت',
    'lottery.stores': 'شناسهٔ فروشگاه‌ها با ویرگول (خالی = همهٔ فروشگاه‌ها)',
    'lottery.open': 'باز کردن در کیوسک‌ها',
    'lottery.opened': 'قرعه‌کشی {id} برای {n} کیوسک در صف ارسال است.',
    'lottery.already': 'این قرعه‌کشی پیش‌تر باز شده بود؛ چیزی دوباره فرستاده نشد.',
    'lottery.draw': 'قرعه‌کشی و فاش کردن بذر',
    'lottery.drawn': 'بذر برای {n} کیوسک فرستاده شد.',
    'lottery.none': 'هنوز قرعه‌کشی‌ای ساخته نشده است.',
    'lottery.wholeChain': 'همهٔ فروشگاه‌ها',
    'lottery.seedHash': 'چکیدهٔ بذر (SHA-256)',
    'lottery.seed': 'بذر فاش‌شده',
    'lottery.closes': 'پایان فروش',
    'lottery.kiosk': 'کیوسک',
    'lottery.store': 'فروشگاه',
    'lottery.openState': 'باز شدن',
    'lottery.drawState': 'قرعه‌کشی',
    'lottery.winners': 'برندگان این کیوسک',
    'lottery.winner': '{prize}: بلیت {ticket}، عضو {member}',
    'lottery.noWinners': 'بدون بلیت',
    'lottery.state.queued': 'در صف',
    'lottery.state.delivered': 'تحویل شد',
    'lottery.state.applied': 'انجام شد',
    'lottery.state.failed': 'ناموفق',
    'lottery.prizeLine': 'جایزهٔ {n} نادرست است: «عنوان | امتیاز»',
    'error.LOTTERY_REFUSED': 'قرعه‌کشی پذیرفته نشد: {detail}',
  },
  en: {
    'nav.lottery': 'Lottery rounds',
    'lottery.title': 'Lottery rounds',
    'lottery.hint': 'The head office opens a round at the kiosks and publishes only the seed hash. After ticket sales close it reveals the seed and each kiosk draws winners from its own tickets (winners are per kiosk).',
    'lottery.new': 'New round',
    'lottery.id': 'Id (lower-case letters, digits, dashes)',
    'lottery.name': 'Title',
    'lottery.prizes': 'Prizes (one per line: title | points)',
    'lottery.closesAt': 'Ticket sales close',
    'lottery.stores': 'Store ids, comma-separated (empty = the whole chain)',
    'lottery.open': 'Open at the kiosks',
    'lottery.opened': 'Round {id} is queued for {n} kiosks.',
    'lottery.already': 'This round was opened before; nothing was sent again.',
    'lottery.draw': 'Draw and reveal the seed',
    'lottery.drawn': 'The seed was sent to {n} kiosks.',
    'lottery.none': 'No lottery round yet.',
    'lottery.wholeChain': 'Whole chain',
    'lottery.seedHash': 'Seed hash (SHA-256)',
    'lottery.seed': 'Revealed seed',
    'lottery.closes': 'Closes',
    'lottery.kiosk': 'Kiosk',
    'lottery.store': 'Store',
    'lottery.openState': 'Opened',
    'lottery.drawState': 'Draw',
    'lottery.winners': 'Winners at this kiosk',
    'lottery.winner': '{prize}: ticket {ticket}, member {member}',
    'lottery.noWinners': 'no tickets',
    'lottery.state.queued': 'queued',
    'lottery.state.delivered': 'delivered',
    'lottery.state.applied': 'applied',
    'lottery.state.failed': 'failed',
    'lottery.prizeLine': 'Prize {n} is not “title | points”',
    'error.LOTTERY_REFUSED': 'The lottery round was refused: {detail}',
  },
});

/** @typedef {{directiveId: string, state: string, failureCode: string|null, failureMessage: string|null}} Progress */
/** @typedef {{prizeIndex: number, ticket: number, memberId: string}} Winner */
/** @typedef {{deviceId: string, storeId: string, open: Progress|null, draw: Progress|null, winners: Winner[]|null}} RoundKiosk */
/** @typedef {{lotteryId: string, title: string, prizes: Array<{title: string, points?: number}>, closesAtMs: number, storeIds: string[]|null, seedHash: string, seed: string|null, drawnAtMs: number|null, kiosks: RoundKiosk[]}} Round */

/** @param {Progress|null} progress */
const stateCell = (progress) =>
  progress
    ? h('td', { 'data-state': progress.state }, t(`lottery.state.${progress.state}`), progress.failureCode ? h('div.small.muted.ltr', null, progress.failureCode) : '')
    : h('td', null, '—');

/** @param {string} text @returns {Array<{title: string, points?: number}>} */
function parsePrizes(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).map((line, index) => {
    const [title = '', points = ''] = line.split('|').map((part) => part.trim());
    if (!title || (points && !/^[0-9۰-۹]+$/.test(points))) throw new Error(t('lottery.prizeLine', { n: index + 1 }));
    const digits = points.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)));
    return { title, ...(digits ? { points: Number(digits) } : {}) };
  });
}

/** @param {Round} round @param {() => Promise<void>} reload @param {HTMLElement} status */
function roundCard(round, reload, status) {
  const prizeTitle = (/** @type {number} */ index) => round.prizes[index]?.title ?? String(index + 1);
  const rows = round.kiosks.map((kiosk) =>
    h(
      'tr',
      { 'data-testid': 'lottery-kiosk', 'data-device': kiosk.deviceId },
      h('td.ltr', null, kiosk.deviceId),
      h('td.ltr', null, kiosk.storeId),
      stateCell(kiosk.open),
      stateCell(kiosk.draw),
      h('td', { 'data-testid': 'lottery-winners' }, kiosk.winners === null ? '—' : kiosk.winners.length === 0 ? t('lottery.noWinners') : h('ul', null, kiosk.winners.map((w) => h('li', null, t('lottery.winner', { prize: prizeTitle(w.prizeIndex), ticket: formatNumber(w.ticket + 1), member: w.memberId }))))),
    ),
  );
  const canDraw = round.drawnAtMs === null && Date.now() >= round.closesAtMs;
  return h(
    'section.card',
    { 'data-testid': 'lottery-round', 'data-lottery': round.lotteryId },
    h('h2', null, round.title, ' ', h('span.small.muted.ltr', null, round.lotteryId)),
    h('p', null, `${t('lottery.closes')}: ${formatDateTime(round.closesAtMs)} · ${round.storeIds ? round.storeIds.join('، ') : t('lottery.wholeChain')}`),
    h('p.small', null, `${t('lottery.seedHash')}: `, h('code.ltr', { 'data-testid': 'lottery-seed-hash' }, round.seedHash)),
    round.seed ? h('p.small', null, `${t('lottery.seed')}: `, h('code.ltr', { 'data-testid': 'lottery-seed' }, round.seed)) : '',
    canDraw
      ? button(t('lottery.draw'), async () => {
          try {
            const drawn = await api('POST', `/lottery/rounds/${encodeURIComponent(round.lotteryId)}/draw`);
            status.replaceChildren(notice('ok', t('lottery.drawn', { n: formatNumber(drawn.kiosks) })));
            await reload();
          } catch (error) {
            status.replaceChildren(notice('error', errorMessage(error)));
          }
        }, 'primary', { 'data-testid': 'lottery-draw' })
      : '',
    h('div.table-wrap', null, h('table.table', null, h('thead', null, h('tr', null, ['lottery.kiosk', 'lottery.store', 'lottery.openState', 'lottery.drawState', 'lottery.winners'].map((key) => h('th', null, t(key))))), h('tbody', null, rows))),
  );
}

export default definePage({
  id: 'lottery',
  titleKey: 'nav.lottery',
  roles: ['manager'],
  async render(container) {
    const status = h('div');
    const list = h('div', { 'data-testid': 'lottery-rounds' });
    const reload = async () => {
      const { rounds } = /** @type {{rounds: Round[]}} */ (await api('GET', '/lottery/rounds'));
      list.replaceChildren(...(rounds.length === 0 ? [notice('info', t('lottery.none'))] : rounds.map((round) => roundCard(round, reload, status))));
    };
    const form = h(
      'form.card.fields',
      { novalidate: true, 'data-testid': 'lottery-form' },
      h('h2', null, t('lottery.new')),
      h('label', null, t('lottery.id'), h('input', { name: 'lotteryId', dir: 'ltr', maxlength: 40, 'data-testid': 'lottery-id' })),
      h('label', null, t('lottery.name'), h('input', { name: 'title', maxlength: 80, 'data-testid': 'lottery-name' })),
      h('label', null, t('lottery.prizes'), h('textarea', { name: 'prizes', rows: 3, 'data-testid': 'lottery-prizes' })),
      h('label', null, t('lottery.closesAt'), h('input', { name: 'closesAt', type: 'datetime-local', dir: 'ltr', 'data-testid': 'lottery-closes' })),
      h('label', null, t('lottery.stores'), h('input', { name: 'stores', dir: 'ltr', 'data-testid': 'lottery-stores' })),
      h('button.btn', { type: 'submit', 'data-testid': 'lottery-open' }, t('lottery.open')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const stores = field(form, 'stores').split(/[,،]/).map((s) => s.trim()).filter(Boolean);
        const body = {
          lotteryId: field(form, 'lotteryId').trim(),
          title: field(form, 'title').trim(),
          prizes: parsePrizes(field(form, 'prizes')),
          closesAtMs: new Date(field(form, 'closesAt')).getTime() || 0,
          storeIds: stores.length > 0 ? stores : null,
        };
        const opened = await api('POST', '/lottery/rounds', body);
        status.replaceChildren(notice('ok', opened.created ? t('lottery.opened', { id: opened.lotteryId, n: formatNumber(opened.kiosks) }) : t('lottery.already')));
        await reload();
      } catch (error) {
        status.replaceChildren(notice('error', errorMessage(error)));
      }
    });
    await reload();
    container.append(h('h1', null, t('lottery.title')), h('p.hint', null, t('lottery.hint')), status, form, list);
  },
});
