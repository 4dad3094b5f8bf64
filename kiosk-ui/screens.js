// The customer's screens. Each takes the current view and returns the screen's element;
// buttons send commands, the server answers with the next screen.
import { h, button } from './dom.js';
import { date, errorText, localised, num, t, time, digits } from './i18n.js';
import { numericPad } from './keypad.js';

/** @typedef {import('../firmware/src/kiosk/protocol.js').KioskView} KioskView */
/** @typedef {import('../firmware/src/kiosk/protocol.js').MemberView} MemberView */
/** @typedef {import('../firmware/src/kiosk/protocol.js').RewardView} RewardView */
/** @typedef {{ view: KioskView, send: (command: any, payload?: Record<string, unknown>) => Promise<any>, flash: (text: string) => void, rerender: () => void }} Context */

/** @param {Context} ctx */
function attract(ctx) {
  return h('section.screen.attract', { 'data-screen': 'attract' },
    h('div.store', null, ctx.view.settings.storeName),
    h('h1.welcome', null, t('storeWelcome')),
    h('div.card-art', { 'aria-hidden': 'true' }, h('div.card-chip'), h('div.waves')),
    h('p.big', null, t('tapCard')),
    h('p.hint', null, t('tapHint')));
}

/** @param {string} text */
function waiting(text) {
  return h('section.screen.waiting', { 'data-screen': 'waiting' }, h('div.spinner', { 'aria-hidden': 'true' }), h('p.big', null, text));
}

/** @param {MemberView} member */
function tierBlock(member) {
  const next = member.nextTier;
  return h('div.tier', null,
    h('div.tier-chip', { 'data-tier': member.tier.id }, `${t('tier')}: ${localised(member.tier.name)}`),
    next
      ? h('div.progress', null,
        h('div.bar', null, h('div.fill', { style: { width: `${Math.round(Math.min(1, Math.max(0, next.progress)) * 100)}%` } })),
        h('div.small', null, t('toNextTier', { n: num(next.pointsNeeded), tier: localised(next.tier.name) })))
      : h('div.small', null, t('topTier')));
}

/** @param {Context} ctx @param {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'balance'}>} screen */
function balance(ctx, screen) {
  const { member, rewards } = screen;
  const affordable = rewards.filter((reward) => reward.affordable).length;
  return h('section.screen.balance', { 'data-screen': 'balance' },
    h('h2', null, t('hello', { name: member.firstName })),
    h('div.balance-grid', null,
      h('div.balance-box', null,
        h('div.small', null, t('yourPoints')),
        h('div.points', { 'data-testid': 'points' }, num(member.pointsBalance)),
        member.pendingPoints > 0 ? h('div.small', null, t('pending', { n: num(member.pendingPoints) })) : null,
        member.nextExpiry ? h('div.small.warn', null, t('expires', { n: num(member.nextExpiry.points), date: date(member.nextExpiry.atMs) })) : null),
      tierBlock(member)),
    screen.notice ? h('div.notice', { 'data-testid': 'customer-notice' }, t('surveyThanks', { n: num(screen.notice.points) })) : null,
    h('div.row.actions', null,
      button(affordable > 0 ? `${t('rewards')} (${num(affordable)})` : t('rewards'), () => void ctx.send('session.showRewards'), 'primary', { 'data-testid': 'show-rewards' }),
      member.engagement.surveyDue ? button(t('survey', { n: num(member.engagement.surveyPoints) }), () => void ctx.send('session.startSurvey'), 'secondary', { 'data-testid': 'start-survey' }) : null,
      member.engagement.gameToday ? button(t('game'), () => ctx.send('session.playGame').catch((error) => ctx.flash(errorText(error.code))), 'secondary', { 'data-testid': 'play-game' }) : null,
      button(t('finish'), () => void ctx.send('session.end'), 'secondary')));
}

/**
 * CSAT (1-5) and NPS (0-10) with big buttons; the answers stay on the screen until sent. The
 * questions read as the head office worded them, or in the built-in wording when it did not.
 * @param {Context} ctx @param {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'survey'}>} screen
 */
function survey(ctx, screen) {
  const questions = screen.member.engagement.surveyQuestions;
  const answers = { csat: 0, nps: -1 };
  const send = button(t('send'), () => ctx.send('session.submitSurvey', answers).catch((error) => ctx.flash(errorText(error.code))), 'primary', { disabled: true, 'data-testid': 'survey-send' });
  /** @param {'csat'|'nps'} question @param {number[]} values */
  const scale = (question, values) => h('div.scale', { dir: 'ltr', 'data-question': question }, values.map((value) =>
    h('button.scale-key', {
      type: 'button',
      'data-value': value,
      onclick: (/** @type {MouseEvent} */ event) => {
        answers[question] = value;
        const target = /** @type {HTMLElement} */ (event.currentTarget);
        for (const sibling of target.parentElement?.children ?? []) sibling.setAttribute('aria-pressed', String(sibling === target));
        send.toggleAttribute('disabled', answers.csat === 0 || answers.nps < 0);
      },
    }, num(value))));
  return h('section.screen.survey', { 'data-screen': 'survey' },
    h('h2', null, t('surveyTitle')),
    h('p', { 'data-testid': 'csat-question' }, questions ? localised(questions.csat) : t('csatQuestion')),
    scale('csat', [1, 2, 3, 4, 5]),
    h('p', { 'data-testid': 'nps-question' }, questions ? localised(questions.nps) : t('npsQuestion')),
    scale('nps', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    h('div.row.actions', null, send, button(t('back'), () => void ctx.send('session.back'), 'secondary')));
}

/** @param {Context} ctx @param {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'game'}>} screen */
function game(ctx, screen) {
  const { outcome } = screen;
  const won = outcome.points > 0;
  return h('section.screen.game', { 'data-screen': 'game' },
    h('h2', null, t('gameTitle')),
    h(`div.prize${won ? '.won' : ''}`, { 'data-testid': 'game-outcome' }, won ? t('gameWon', { label: outcome.label }) : outcome.withheld ? t('gameWithheld') : t('gameNothing')),
    won ? h('p.big', null, t('gamePoints', { n: num(outcome.points) })) : null,
    h('div.row.actions', null, button(t('back'), () => void ctx.send('session.back'), 'primary')));
}

/** @param {Context} ctx @param {RewardView} reward @param {number} balancePoints */
function rewardCard(ctx, reward, balancePoints) {
  return h(`button.reward${reward.affordable ? '' : '.locked'}`, {
    type: 'button',
    disabled: !reward.affordable,
    'data-reward': reward.rewardId,
    onclick: () => void ctx.send('session.selectReward', { rewardId: reward.rewardId }),
  },
  h('span.reward-title', null, localised(reward.title)),
  h('span.reward-cost', null, `${num(reward.costPoints)} ${t('points')}`),
  reward.affordable ? null : h('span.small', null, t('needMore', { n: num(reward.costPoints - balancePoints) })));
}

/** @param {Context} ctx @param {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'rewards'}>} screen */
function rewards(ctx, screen) {
  return h('section.screen.rewards', { 'data-screen': 'rewards' },
    h('h2', null, `${t('rewards')} · ${num(screen.member.pointsBalance)} ${t('points')}`),
    screen.rewards.length === 0
      ? h('p.big', null, t('noRewards'))
      : h('div.reward-grid', null, screen.rewards.map((reward) => rewardCard(ctx, reward, screen.member.pointsBalance))),
    h('div.row.actions', null, button(t('back'), () => void ctx.send('session.back'), 'secondary')));
}

/** @param {Context} ctx @param {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'confirm'}>} screen */
function confirm(ctx, screen) {
  return h('section.screen.confirm', { 'data-screen': 'confirm' },
    h('h2', null, t('confirmTitle')),
    h('p.big', null, t('confirmText', { reward: localised(screen.reward.title), n: num(screen.reward.costPoints) })),
    ctx.view.devices.printerReady ? null : h('p.warn', null, t('printerWarning')),
    h('div.row.actions', null,
      button(t('confirmYes'), () => ctx.send('session.confirm', { language: document.documentElement.lang }).catch((error) => ctx.flash(errorText(error.code))), 'primary', { 'data-testid': 'confirm' }),
      button(t('back'), () => void ctx.send('session.back'), 'secondary')));
}

/** @param {import('../firmware/src/kiosk/protocol.js').VoucherView} voucher */
function voucherBox(voucher) {
  return h('div.voucher', null,
    h('div.small', null, t('voucherCode')),
    h('div.code', { dir: 'ltr', 'data-testid': 'voucher-code' }, voucher.code),
    h('div.small', null, t('validUntil', { date: date(voucher.expiresAtMs) })));
}

/** @param {Context} ctx @param {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'done'}>} screen */
function done(ctx, screen) {
  return h('section.screen.done', { 'data-screen': 'done' },
    h('div.title-row', null, h('div.icon.ok.inline', { 'aria-hidden': 'true' }, '✓'), h('h2', null, t('doneTitle'))),
    voucherBox(screen.voucher),
    h('p', null, `${t('doneText')} ${t('pointsLeft', { n: num(screen.member.pointsBalance) })}`),
    h('div.row.actions', null, button(t('finish'), () => void ctx.send('session.end'), 'primary')));
}

/**
 * A message screen (unknown card, blocked card, trouble) with an icon and one way out.
 * @param {Context} ctx @param {string} name @param {string} icon @param {string} title @param {string} text @param {Node|null} [extra]
 */
function message(ctx, name, icon, title, text, extra = null) {
  const symbol = h(`div.icon.${icon}`, { 'aria-hidden': 'true' }, icon === 'info' ? 'ℹ' : icon === 'welcome' ? '★' : '!');
  // With a voucher to show there is less room: the icon moves beside the title.
  if (extra) symbol.classList.add('inline');
  return h(`section.screen.message.${name}`, { 'data-screen': name },
    extra ? h('div.title-row', null, symbol, h('h2', null, title)) : symbol,
    extra ? null : h('h2', null, title),
    h('p.big', null, text),
    extra,
    h('div.row.actions', null, button(t('finish'), () => void ctx.send('session.end'), 'secondary')));
}

/** @param {Context} ctx @param {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'staff-pin'}>} screen */
function staffPin(ctx, screen) {
  let pin = '';
  const dots = h('div.pin-dots', { 'data-testid': 'pin-dots' });
  const note = h('div.small', null, t('attemptsLeft', { n: num(screen.attemptsLeft) }));
  const draw = () => {
    dots.textContent = pin.length ? '●'.repeat(pin.length) : '\u00a0';
  };
  const submit = () => {
    const entered = pin;
    pin = '';
    draw();
    ctx.send('staff.pin', { pin: entered }).catch((error) => {
      note.textContent = errorText(error.code);
    });
  };
  draw();
  return h('section.screen.staff-pin', { 'data-screen': 'staff-pin' },
    h('h2', null, t('staffPinTitle', { name: screen.staffName })),
    h('div.pin-layout', null,
      h('div.pin-side', null,
        dots,
        note,
        button(t('enter'), () => submit(), 'primary', { 'data-testid': 'pin-enter' }),
        button(t('cancel'), () => void ctx.send('staff.exit'), 'secondary')),
      numericPad({
      onKey: (key) => {
        if (key === 'back') pin = pin.slice(0, -1);
        else if (pin.length < 8) pin += key;
        draw();
      },
    })));
}

/** @param {Context} ctx @param {import('../firmware/src/kiosk/protocol.js').Screen} screen @param {(ctx: Context) => HTMLElement} staffScreen */
export function renderScreen(ctx, screen, staffScreen) {
  switch (screen.name) {
    case 'attract': return attract(ctx);
    case 'looking-up': return waiting(t('reading'));
    case 'balance': return balance(ctx, screen);
    case 'rewards': return rewards(ctx, screen);
    case 'survey': return survey(ctx, screen);
    case 'game': return game(ctx, screen);
    case 'confirm': return confirm(ctx, screen);
    case 'printing': return waiting(t('printing'));
    case 'done': return done(ctx, screen);
    case 'unknown-card': return message(ctx, 'unknown-card', 'welcome', t('unknownTitle'), t('unknownText'));
    case 'blocked-card': return message(ctx, 'blocked-card', 'stop', t('blockedTitle'), t('blockedText'));
    case 'card-removed': return message(ctx, 'card-removed', 'info', t('removedTitle'), t('removedText'));
    case 'reader-trouble': return message(ctx, 'reader-trouble', 'stop', t('readerTitle'), t('readerText'));
    case 'printer-trouble': return message(ctx, 'printer-trouble', 'stop', t('printerTitle'), t('printerText'), screen.voucher ? voucherBox(screen.voucher) : null);
    case 'error': return message(ctx, 'error', 'stop', t('errorTitle'), t('errorText'), h('p.small', { dir: 'ltr' }, digits(screen.code)));
    case 'staff-pin': return staffPin(ctx, screen);
    case 'staff-locked': return message(ctx, 'staff-locked', 'stop', t('staffLockedTitle'), t('staffLockedText', { time: time(screen.untilMs) }));
    case 'staff': return staffScreen(ctx);
    default: return attract(ctx);
  }
}
