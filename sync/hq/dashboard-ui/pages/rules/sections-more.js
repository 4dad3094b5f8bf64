// The editor's tabs for what members get: the reward catalogue, the game, survey, lottery and
// referrals, and the remaining settings (expiry, redemption, retention, cards).

import { button, h } from '../../dom.js';
import { lang, t } from '../../i18n.js';
import { addItem, errorSlot, field, freshId, getAt, numberField, numberInput, rowButtons, selectInput, setAt, tableList, textInput } from './fields.js';
import { grid, section } from './sections.js';
import { surveyQuestions } from './survey-questions.js';

/** @typedef {import('./fields.js').Editor} Editor */

const REWARD_KINDS = ['percent-discount', 'rial-discount', 'free-product', 'gift'];
/** The one field each reward kind carries, and what a new one starts with. */
/** @type {Record<string, [string, unknown]|null>} */
const KIND_FIELD = { 'percent-discount': ['percent', 10], 'rial-discount': ['amountRial', 500_000], 'free-product': ['productSku', ''], gift: null };

/** @param {Editor} ed */
export function rewardsTab(ed) {
  /** @type {any[]} */
  const rewards = getAt(ed.draft, '/rewards');
  /** @type {Array<{id: string, name: string}>} */
  const tiers = getAt(ed.draft, '/tiers/levels') ?? [];
  const tierChoices = [{ value: '', label: t('rules.rewards.everyone') }, ...tiers.map((tier) => ({ value: tier.id, label: tier.name || tier.id }))];
  const cards = rewards.map((reward, index) => {
    const base = `/rewards/${index}`;
    const kindField = KIND_FIELD[reward.kind];
    // Switching the kind swaps its field, so no stray field of the old kind stays behind.
    const pickKind = (/** @type {string} */ kind) => {
      for (const entry of Object.values(KIND_FIELD)) if (entry) setAt(ed.draft, `${base}/${entry[0]}`, undefined);
      setAt(ed.draft, `${base}/kind`, kind);
      const next = KIND_FIELD[kind];
      if (next) setAt(ed.draft, `${base}/${next[0]}`, next[1]);
      ed.rerender();
    };
    return h(
      'div.rule-item',
      { 'data-testid': `reward-${index}` },
      h('div.item-head', null, h('strong', null, String(reward.title || reward.id)), ed.readOnly ? null : h('span.item-actions', null, rowButtons(ed, rewards, index))),
      grid(
        field(ed, `${base}/id`, 'rules.id', textInput(ed, `${base}/id`, { dir: 'ltr' })),
        field(ed, `${base}/title`, 'rules.rewards.title', textInput(ed, `${base}/title`)),
        field(ed, `${base}/kind`, 'rules.rewards.kind', selectInput(ed, `${base}/kind`, REWARD_KINDS.map((kind) => ({ value: kind, label: t(`rules.rewards.kind.${kind}`) })), { onPick: pickKind })),
        numberField(ed, `${base}/costPoints`, 'rules.rewards.costPoints', 'rules.unit.points'),
        kindField && kindField[0] === 'productSku'
          ? field(ed, `${base}/productSku`, 'rules.rewards.productSku', textInput(ed, `${base}/productSku`, { dir: 'ltr' }))
          : kindField
            ? numberField(ed, `${base}/${kindField[0]}`, `rules.rewards.${kindField[0]}`, kindField[0] === 'percent' ? 'rules.unit.percent' : 'rules.unit.rial')
            : null,
        numberField(ed, `${base}/validityDays`, 'rules.rewards.validityDays', 'rules.unit.days'),
        field(ed, `${base}/minTierId`, 'rules.rewards.minTierId', selectInput(ed, `${base}/minTierId`, tierChoices)),
      ),
      errorSlot(ed, base),
    );
  });
  return [
    section(
      'rules.rewards.list',
      ...cards,
      errorSlot(ed, '/rewards'),
      ed.readOnly ? null : button(`+ ${t('rules.add')}`, () => addItem(ed, rewards, () => ({ id: freshId(rewards, 'reward'), title: t('rules.rewards.kind.gift'), kind: 'gift', costPoints: 100, validityDays: 30 })), 'secondary', { 'data-testid': 'add-reward' }),
    ),
  ];
}

/** Each prize's published odds (weight over the total), as the kiosk shows them. @param {Editor} ed */
function oddsOf(ed) {
  /** @type {Array<{weight: unknown, points: unknown}>} */
  const prizes = getAt(ed.draft, '/game/prizes') ?? [];
  const total = prizes.reduce((sum, prize) => sum + (typeof prize.weight === 'number' ? prize.weight : 0), 0);
  return { prizes, total };
}

/** @param {number} probability */
const percentText = (probability) => new Intl.NumberFormat(lang() === 'fa' ? 'fa-IR' : 'en-US', { style: 'percent', maximumFractionDigits: 2 }).format(probability);

/** @param {Editor} ed */
export function engagementTab(ed) {
  const expected = h('p.muted', { 'data-testid': 'game-expected' });
  const showExpected = () => {
    const { prizes, total } = oddsOf(ed);
    const mean = total > 0 ? prizes.reduce((sum, prize) => sum + ((typeof prize.weight === 'number' ? prize.weight : 0) / total) * (typeof prize.points === 'number' ? prize.points : 0), 0) : 0;
    expected.textContent = t('rules.game.expected', { n: Math.round(mean * 100) / 100 });
  };
  /** @type {Array<{span: HTMLElement, index: number}>} */
  const oddsCells = [];
  const showOdds = () => {
    const { prizes, total } = oddsOf(ed);
    for (const { span, index } of oddsCells) {
      const weight = prizes[index]?.weight;
      span.textContent = total > 0 && typeof weight === 'number' ? percentText(weight / total) : '—';
    }
    showExpected();
  };
  // Odds follow the weights as they are typed, before the server has seen them.
  ed.refreshers.push(showOdds);
  const prizesTable = tableList(
    ed,
    '/game/prizes',
    [
      { key: 'id', labelKey: 'rules.id', input: (path) => textInput(ed, path, { dir: 'ltr' }) },
      { key: 'label', labelKey: 'rules.game.label', input: (path) => textInput(ed, path) },
      { key: 'points', labelKey: 'rules.game.points', input: (path) => numberInput(ed, path) },
      { key: 'weight', labelKey: 'rules.game.weight', input: (path) => numberInput(ed, path) },
    ],
    () => ({ id: freshId(getAt(ed.draft, '/game/prizes'), 'prize'), label: '', points: 0, weight: 1 }),
    {
      extra: (_prize, index) => {
        const span = h('span.odds', { title: t('rules.game.odds'), 'data-testid': `odds-${index}` });
        oddsCells.push({ span, index });
        return span;
      },
    },
  );
  showOdds();
  return [
    section(
      'rules.game.title',
      grid(numberField(ed, '/game/dailyBudgetPoints', 'rules.game.dailyBudgetPoints', 'rules.unit.points')),
      h('h3', null, t('rules.game.prizes')),
      prizesTable,
      expected,
    ),
    section(
      'rules.survey.title',
      h('p.muted', null, t('rules.survey.questions')),
      grid(numberField(ed, '/survey/periodDays', 'rules.survey.periodDays', 'rules.unit.days'), numberField(ed, '/survey/points', 'rules.survey.points', 'rules.unit.points')),
      surveyQuestions(ed),
    ),
    section(
      'rules.lottery.title',
      h('p.muted', null, t('rules.lottery.rounds')),
      grid(
        numberField(ed, '/lottery/ticketCostPoints', 'rules.lottery.ticketCostPoints', 'rules.unit.points'),
        numberField(ed, '/lottery/maxTicketsPerMember', 'rules.lottery.maxTicketsPerMember'),
      ),
    ),
    section(
      'rules.referral.title',
      grid(
        numberField(ed, '/referral/referrerBonusPoints', 'rules.referral.referrerBonusPoints', 'rules.unit.points'),
        numberField(ed, '/referral/refereeBonusPoints', 'rules.referral.refereeBonusPoints', 'rules.unit.points'),
      ),
    ),
  ];
}

/** @param {Editor} ed */
export function otherTab(ed) {
  return [
    section(
      'rules.tab.other',
      grid(
        field(ed, '/timeZone', 'rules.other.timeZone', textInput(ed, '/timeZone', { dir: 'ltr' })),
        numberField(ed, '/expiry/lifetimeMonths', 'rules.other.expiry', 'rules.unit.months'),
        numberField(ed, '/redemption/rialPerPoint', 'rules.other.redemptionRialPerPoint', 'rules.unit.rial'),
        numberField(ed, '/redemption/maxPercentOfPurchase', 'rules.other.maxPercentOfPurchase', 'rules.unit.percent'),
        numberField(ed, '/retention/purchaseDays', 'rules.other.purchaseDays', 'rules.unit.days'),
        numberField(ed, '/retention/voucherDaysAfterExpiry', 'rules.other.voucherDaysAfterExpiry', 'rules.unit.days'),
        numberField(ed, '/cards/discountCardPercent', 'rules.other.discountCardPercent', 'rules.unit.percent'),
      ),
    ),
  ];
}

