// Staff mode: enrol a card, find a member by mobile, link a card, record a purchase, replace
// a lost card, adjust points. Every field is filled with the on-screen keypad or keyboard.
import { h, button } from './dom.js';
import { errorText, list, localised, money, num, t, digits } from './i18n.js';
import { displayValue, editField } from './keypad.js';
import { jalaliToIso } from './jalali.js';

/** @typedef {import('./screens.js').Context} Context */
/** @typedef {Extract<import('../firmware/src/kiosk/protocol.js').Screen, {name: 'staff'}>} StaffScreen */
/** @typedef {'enrol'|'find'|'purchase'|'adjust'|'replace'} Tab */

/** Form values survive re-renders (a card tap re-renders the screen) until saved or exit. */
const form = {
  tab: /** @type {Tab} */ ('enrol'),
  name: '', phone: '', birthday: '', anniversary: '', smsConsent: true,
  amount: '', points: '', reason: '', lostCardId: '',
  error: '',
  busy: false,
};

export function resetStaffForm() {
  Object.assign(form, { tab: 'enrol', name: '', phone: '', birthday: '', anniversary: '', smsConsent: true, amount: '', points: '', reason: '', lostCardId: '', error: '', busy: false });
}

/** @param {string} value 8 digits YYYYMMDD on the Jalali calendar → ISO Gregorian, or undefined */
function jalaliField(value) {
  if (value.length !== 8) return undefined;
  return jalaliToIso(Number(value.slice(0, 4)), Number(value.slice(4, 6)), Number(value.slice(6, 8))) ?? 'invalid';
}

/**
 * @param {Context} ctx @param {string} label @param {keyof typeof form} key
 * @param {import('./keypad.js').FieldKind} kind @param {number} maxLength
 */
function field(ctx, label, key, kind, maxLength) {
  const value = String(form[key]);
  return h('label.field', null,
    h('span.field-label', null, label),
    h('button.field-value', {
      type: 'button',
      'data-field': key,
      onclick: async () => {
        const next = await editField({ title: label, kind, value, maxLength });
        if (next === null) return;
        Object.assign(form, { [key]: next, error: '' });
        ctx.rerender();
      },
    }, displayValue(value, kind) || '\u00a0'));
}

/** @param {Context} ctx @param {string} command @param {Record<string, unknown>} payload @param {(keyof typeof form)[]} clear */
async function submit(ctx, command, payload, clear) {
  if (form.busy) return;
  form.busy = true;
  form.error = '';
  ctx.rerender();
  try {
    await ctx.send(command, payload);
    for (const key of clear) Object.assign(form, { [key]: typeof form[key] === 'boolean' ? true : '' });
  } catch (error) {
    form.error = errorText(/** @type {{code: string}} */ (error).code);
  } finally {
    form.busy = false;
    ctx.rerender();
  }
}

/** @param {StaffScreen} screen */
function sidePanel(screen) {
  const card = screen.card;
  const member = screen.member;
  const cardLabel = !card ? t('tapNewCard')
    : card.status === 'new' ? t('cardNew') : card.status === 'member' ? t('cardMember') : card.status === 'blocked' ? t('cardBlocked') : t('cardStaff');
  return h('aside.staff-side', null,
    h(`div.card-status.${card ? card.status : 'none'}`, { 'data-testid': 'card-status' }, cardLabel, card ? h('div.small', { dir: 'ltr' }, card.cardId) : null),
    member
      ? h('div.member-box', { 'data-testid': 'staff-member' },
        h('div.member-name', null, member.name),
        h('div.small', { dir: 'ltr' }, digits(member.phone)),
        h('div.member-points', null, `${num(member.pointsBalance)} ${t('points')}`),
        member.pendingPoints > 0 ? h('div.small', null, t('pendingShort', { n: num(member.pendingPoints) })) : null,
        h('div.small', null, `${t('tier')}: ${localised(member.tier.name)} · ${t('cards')}: ${num(member.cards.filter((c) => c.status === 'active').length)}`))
      : null);
}

/** @param {Context} ctx @param {StaffScreen} screen */
function tabBody(ctx, screen) {
  const member = screen.member;
  const newCard = screen.card?.status === 'new';
  const currency = ctx.view.settings.currency;
  switch (form.tab) {
    case 'enrol': {
      const birthday = jalaliField(form.birthday);
      const anniversary = jalaliField(form.anniversary);
      const ready = newCard && form.name.trim().length >= 2 && form.phone.length >= 10 && birthday !== 'invalid' && anniversary !== 'invalid';
      return h('div.form', null,
        field(ctx, t('name'), 'name', 'text', 60),
        field(ctx, t('mobile'), 'phone', 'digits', 11),
        field(ctx, t('birthday'), 'birthday', 'jdate', 8),
        field(ctx, t('anniversary'), 'anniversary', 'jdate', 8),
        h('button.toggle', { type: 'button', 'aria-pressed': String(form.smsConsent), onclick: () => { form.smsConsent = !form.smsConsent; ctx.rerender(); } },
          `${form.smsConsent ? '☑' : '☐'} ${t('smsConsent')}`),
        button(t('save'), () => void submit(ctx, 'staff.enrol', {
          name: form.name.trim(),
          phone: form.phone,
          smsConsent: form.smsConsent,
          ...(birthday ? { birthday } : {}),
          ...(anniversary ? { anniversary } : {}),
        }, ['name', 'phone', 'birthday', 'anniversary']), 'primary', { disabled: !ready || form.busy, 'data-testid': 'enrol-save' }),
        newCard ? null : h('p.warn', null, t('tapNewCard')));
    }
    case 'find':
      return h('div.form', null,
        field(ctx, t('mobile'), 'phone', 'digits', 11),
        button(t('find'), () => void submit(ctx, 'staff.findByPhone', { phone: form.phone }, []), 'primary', { disabled: form.phone.length < 10 || form.busy, 'data-testid': 'find-go' }),
        member && newCard ? button(t('link'), () => void submit(ctx, 'staff.linkCard', { memberId: member.memberId }, []), 'secondary', { 'data-testid': 'link-card' }) : null);
    case 'purchase': {
      const amountRial = Number(form.amount || '0') * (currency === 'toman' ? 10 : 1);
      return h('div.form', null,
        member ? null : h('p.warn', null, t('tapNewCard')),
        field(ctx, t('amount', { unit: t(currency) }), 'amount', 'digits', 11),
        amountRial > 0 ? h('div.small', null, money(amountRial, currency)) : null,
        button(t('purchase'), () => void submit(ctx, 'staff.purchase', { memberId: member?.memberId, amountRial }, ['amount']), 'primary', {
          disabled: !member || amountRial <= 0 || form.busy, 'data-testid': 'purchase-save',
        }));
    }
    case 'adjust': {
      const points = Number(form.points || '0');
      return h('div.form', null,
        member ? null : h('p.warn', null, t('tapNewCard')),
        field(ctx, t('pointsDelta'), 'points', 'signed', 7),
        h('div.row.choices', null, list('reasons').map((reason) =>
          h('button.choice', { type: 'button', 'aria-pressed': String(form.reason === reason), onclick: () => { form.reason = reason; ctx.rerender(); } }, reason))),
        button(t('adjust'), () => void submit(ctx, 'staff.adjust', { memberId: member?.memberId, points, reason: form.reason }, ['points', 'reason']), 'primary', {
          disabled: !member || !Number.isInteger(points) || points === 0 || !form.reason || form.busy, 'data-testid': 'adjust-save',
        }));
    }
    case 'replace': {
      const lostCards = member ? member.cards.filter((card) => card.status === 'active' && card.cardId !== screen.card?.cardId) : [];
      return h('div.form', null,
        member ? h('p', null, t('lostCard')) : h('p.warn', null, t('find')),
        h('div.row.choices', null, lostCards.map((card) =>
          h('button.choice', { type: 'button', dir: 'ltr', 'aria-pressed': String(form.lostCardId === card.cardId), onclick: () => { form.lostCardId = card.cardId; ctx.rerender(); } }, card.cardId))),
        newCard ? null : h('p.warn', null, t('tapNewCard')),
        button(t('replace'), () => void submit(ctx, 'staff.replaceCard', { lostCardId: form.lostCardId }, ['lostCardId']), 'primary', {
          disabled: !newCard || !form.lostCardId || form.busy,
        }));
    }
  }
}

/** @param {NonNullable<StaffScreen['notice']>} notice */
function noticeText(notice) {
  switch (notice.code) {
    case 'enrolled': return t('noticeEnrolled');
    case 'linked': return t('noticeLinked');
    case 'purchase-recorded': return t('noticePurchase', { points: num(notice.points ?? 0), balance: num(notice.balance ?? 0) });
    case 'card-replaced': return t('noticeReplaced');
    case 'adjusted': return t('noticeAdjusted', { balance: num(notice.balance ?? 0) });
    case 'found': return t('noticeFound');
    case 'not-found': return t('noticeNotFound');
    default: return '';
  }
}

/** @param {Context} ctx */
export function staffScreen(ctx) {
  const screen = /** @type {StaffScreen} */ (ctx.view.screen);
  /** @type {Array<[Tab, string]>} */
  const tabs = [['enrol', t('enrol')], ['find', t('find')], ['purchase', t('purchase')], ['adjust', t('adjust')], ['replace', t('replace')]];
  const side = sidePanel(screen);
  side.append(h('nav.tabs', null, tabs.map(([tab, label]) =>
    h('button.tab', { type: 'button', 'data-tab': tab, 'aria-selected': String(form.tab === tab), onclick: () => { form.tab = tab; form.error = ''; ctx.rerender(); } }, label))));
  return h('section.screen.staff', { 'data-screen': 'staff' },
    h('header.staff-bar', null,
      h('span', null, `${t('staffMode')} · ${screen.staff.name}`),
      button(t('exit'), () => { resetStaffForm(); void ctx.send('staff.exit'); }, 'secondary small')),
    h('div.staff-body', null,
      side,
      h('div.staff-main', null,
        screen.notice ? h('div.notice', { 'data-testid': 'notice' }, noticeText(screen.notice)) : null,
        form.error ? h('div.error-line', { 'data-testid': 'form-error' }, form.error) : null,
        tabBody(ctx, screen))));
}
