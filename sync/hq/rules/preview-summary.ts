import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import type { HistoricPurchase } from './history.js';
import type { ReplayedReceipt } from './replay.js';

/**
 * Before/after figures of a preview, from receipts replayed under both rule sets: totals, per
 * store, per tier and per campaign (each side grouped by the tier or campaign it had under its
 * own rules), the members whose points change most, and example receipts.
 */
export interface ReplayPair {
  purchase: HistoricPurchase;
  current: ReplayedReceipt;
  draft: ReplayedReceipt;
}

export interface BeforeAfter {
  current: number;
  draft: number;
  delta: number;
}

export interface GroupFigures {
  id: string;
  name: string;
  currentReceipts: number;
  draftReceipts: number;
  current: number;
  draft: number;
}

export interface ExampleReceipt {
  storeId: string;
  receiptId: string;
  memberId: string;
  atMs: number;
  amountRial: number;
  current: { points: number; tierId: string; campaignId: string | null };
  draft: { points: number; tierId: string; campaignId: string | null };
}

export interface PreviewSummary {
  receipts: number;
  members: number;
  totals: BeforeAfter & { deltaPercent: number | null };
  /** What the kiosks actually credited for the same receipts, when their records say. */
  recorded: { receipts: number; points: number; matchingCurrent: number };
  perStore: Array<{ storeId: string; receipts: number } & BeforeAfter>;
  perTier: GroupFigures[];
  perCampaign: GroupFigures[];
  membersAffected: { total: number; up: number; down: number };
  largestChanges: Array<{ memberId: string; storeId: string; receipts: number } & BeforeAfter>;
  examples: ExampleReceipt[];
  refused: { current: number; draft: number };
}

const LARGEST_CHANGES_MAX = 10;
const EXAMPLES_MAX = 6;

function beforeAfter(current: number, draft: number): BeforeAfter {
  return { current, draft, delta: draft - current };
}

function groupBy(pairs: ReplayPair[], key: (replayed: ReplayedReceipt) => string, names: Map<string, string>): GroupFigures[] {
  const groups = new Map<string, GroupFigures>();
  const group = (id: string) => {
    let found = groups.get(id);
    if (!found) {
      found = { id, name: names.get(id) ?? id, currentReceipts: 0, draftReceipts: 0, current: 0, draft: 0 };
      groups.set(id, found);
    }
    return found;
  };
  for (const pair of pairs) {
    const before = group(key(pair.current));
    before.currentReceipts++;
    before.current += pair.current.points;
    const after = group(key(pair.draft));
    after.draftReceipts++;
    after.draft += pair.draft.points;
  }
  return [...groups.values()];
}

function example(pair: ReplayPair): ExampleReceipt {
  const side = (replayed: ReplayedReceipt) => ({ points: replayed.points, tierId: replayed.tierId, campaignId: replayed.campaignId ?? null });
  const { purchase } = pair;
  return {
    storeId: purchase.storeId,
    receiptId: purchase.receiptId,
    memberId: purchase.memberId,
    atMs: purchase.atMs,
    amountRial: purchase.amountRial,
    current: side(pair.current),
    draft: side(pair.draft),
  };
}

export function summarise(pairs: ReplayPair[], currentRules: LoyaltyRules, draftRules: LoyaltyRules): PreviewSummary {
  let current = 0;
  let draft = 0;
  const recorded = { receipts: 0, points: 0, matchingCurrent: 0 };
  const stores = new Map<string, { storeId: string; receipts: number; current: number; draft: number }>();
  const members = new Map<string, { memberId: string; storeId: string; receipts: number; current: number; draft: number }>();
  for (const pair of pairs) {
    const { purchase } = pair;
    current += pair.current.points;
    draft += pair.draft.points;
    if (purchase.recordedPoints !== undefined) {
      recorded.receipts++;
      recorded.points += purchase.recordedPoints;
      if (purchase.recordedPoints === pair.current.points) recorded.matchingCurrent++;
    }
    const store = stores.get(purchase.storeId) ?? { storeId: purchase.storeId, receipts: 0, current: 0, draft: 0 };
    store.receipts++;
    store.current += pair.current.points;
    store.draft += pair.draft.points;
    stores.set(purchase.storeId, store);
    const member = members.get(purchase.memberId) ?? { memberId: purchase.memberId, storeId: purchase.storeId, receipts: 0, current: 0, draft: 0 };
    member.receipts++;
    member.current += pair.current.points;
    member.draft += pair.draft.points;
    members.set(purchase.memberId, member);
  }
  const memberList = [...members.values()].map((member) => ({ ...member, delta: member.draft - member.current }));
  const changed = memberList.filter((member) => member.delta !== 0);
  const tierNames = new Map([...currentRules.tiers.levels, ...draftRules.tiers.levels].map((tier) => [tier.id, tier.name]));
  const tierOrder = [...draftRules.tiers.levels, ...currentRules.tiers.levels].map((tier) => tier.id);
  const tierRank = (id: string) => (tierOrder.includes(id) ? tierOrder.indexOf(id) : tierOrder.length);
  const campaignNames = new Map([...currentRules.earning.campaigns, ...draftRules.earning.campaigns].map((campaign) => [campaign.id, campaign.name]));
  const byChange = (a: ReplayPair, b: ReplayPair) => Math.abs(b.draft.points - b.current.points) - Math.abs(a.draft.points - a.current.points) || a.purchase.atMs - b.purchase.atMs;
  const changedReceipts = pairs.filter((pair) => pair.draft.points !== pair.current.points).sort(byChange);
  const unchanged = pairs.find((pair) => pair.draft.points === pair.current.points && pair.current.points > 0);
  const examples = [...changedReceipts.slice(0, unchanged ? EXAMPLES_MAX - 1 : EXAMPLES_MAX), ...(unchanged ? [unchanged] : [])].map(example);
  return {
    receipts: pairs.length,
    members: members.size,
    totals: { ...beforeAfter(current, draft), deltaPercent: current === 0 ? null : Math.round(((draft - current) / current) * 1000) / 10 },
    recorded,
    perStore: [...stores.values()].map((store) => ({ ...store, delta: store.draft - store.current })).sort((a, b) => a.storeId.localeCompare(b.storeId)),
    perTier: groupBy(pairs, (replayed) => replayed.tierId || '(refused)', tierNames).sort((a, b) => tierRank(a.id) - tierRank(b.id)),
    perCampaign: groupBy(pairs, (replayed) => replayed.campaignId ?? '', campaignNames).map((group) => (group.id === '' ? { ...group, name: '' } : group)),
    membersAffected: { total: changed.length, up: changed.filter((member) => member.delta > 0).length, down: changed.filter((member) => member.delta < 0).length },
    largestChanges: changed.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.memberId.localeCompare(b.memberId)).slice(0, LARGEST_CHANGES_MAX),
    examples,
    refused: { current: pairs.filter((pair) => pair.current.refused).length, draft: pairs.filter((pair) => pair.draft.refused).length },
  };
}
