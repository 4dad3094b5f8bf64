import type { MemberHistory } from './types.js';

/**
 * Did a campaign move purchases? Two comparisons, both with their numbers:
 * - against a comparable period: the same members, the window before (or a given one),
 *   scaled to the campaign's length;
 * - against a control group: members not offered the campaign, per member over the same
 *   window; when a baseline period is known both groups are normalised by their own baseline
 *   (difference in differences, as a ratio), so groups that differed already do not count.
 */
export interface Window {
  startMs: number;
  /** Exclusive. */
  endMs: number;
}

export interface GroupFigures {
  members: number;
  purchases: number;
  spendRial: number;
  /** Members with at least one purchase. */
  buyers: number;
  purchasesPerMember: number;
  spendPerMemberRial: number;
}

export interface CampaignLift {
  method: 'period' | 'control';
  campaign: GroupFigures;
  comparison: GroupFigures;
  /** Relative change in purchases (0.25 = 25% more), null when the comparison has none. */
  purchasesLift: number | null;
  spendLift: number | null;
  /** Baselines used by the control method (difference in differences). */
  campaignBaseline?: GroupFigures;
  comparisonBaseline?: GroupFigures;
}

export function figures(members: readonly MemberHistory[], window: Window, storeId?: string): GroupFigures {
  let purchases = 0;
  let spendRial = 0;
  let buyers = 0;
  for (const member of members) {
    const inside = member.purchases.filter((p) => p.atMs >= window.startMs && p.atMs < window.endMs && (storeId === undefined || p.storeId === storeId));
    purchases += inside.length;
    spendRial += inside.reduce((s, p) => s + p.amountRial, 0);
    if (inside.length) buyers += 1;
  }
  const count = members.length;
  return { members: count, purchases, spendRial, buyers, purchasesPerMember: count ? purchases / count : 0, spendPerMemberRial: count ? spendRial / count : 0 };
}

function relative(value: number, base: number): number | null {
  return base > 0 ? value / base - 1 : null;
}

export function liftAgainstPeriod(members: readonly MemberHistory[], campaign: Window, baseline?: Window, storeId?: string): CampaignLift {
  const lengthMs = campaign.endMs - campaign.startMs;
  const base = baseline ?? { startMs: campaign.startMs - lengthMs, endMs: campaign.startMs };
  const scale = lengthMs / (base.endMs - base.startMs);
  const during = figures(members, campaign, storeId);
  const raw = figures(members, base, storeId);
  const comparison: GroupFigures = {
    ...raw,
    purchases: raw.purchases * scale,
    spendRial: Math.round(raw.spendRial * scale),
    purchasesPerMember: raw.purchasesPerMember * scale,
    spendPerMemberRial: raw.spendPerMemberRial * scale,
  };
  return { method: 'period', campaign: during, comparison, purchasesLift: relative(during.purchases, comparison.purchases), spendLift: relative(during.spendRial, comparison.spendRial) };
}

export function liftAgainstControl(
  treated: readonly MemberHistory[],
  control: readonly MemberHistory[],
  campaign: Window,
  baseline?: Window,
  storeId?: string,
): CampaignLift {
  const t = figures(treated, campaign, storeId);
  const c = figures(control, campaign, storeId);
  if (!baseline) {
    return { method: 'control', campaign: t, comparison: c, purchasesLift: relative(t.purchasesPerMember, c.purchasesPerMember), spendLift: relative(t.spendPerMemberRial, c.spendPerMemberRial) };
  }
  const tb = figures(treated, baseline, storeId);
  const cb = figures(control, baseline, storeId);
  const ratio = (during: number, before: number): number | null => (before > 0 ? during / before : null);
  const did = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b - 1 : null);
  return {
    method: 'control',
    campaign: t,
    comparison: c,
    campaignBaseline: tb,
    comparisonBaseline: cb,
    purchasesLift: did(ratio(t.purchasesPerMember, tb.purchasesPerMember), ratio(c.purchasesPerMember, cb.purchasesPerMember)),
    spendLift: did(ratio(t.spendPerMemberRial, tb.spendPerMemberRial), ratio(c.spendPerMemberRial, cb.spendPerMemberRial)),
  };
}
