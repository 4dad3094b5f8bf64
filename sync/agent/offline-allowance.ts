/**
 * The offline double-spend guard. While the head office is unreachable a card may spend at
 * most an allowance (points and Rials separately) in total, counted from the spends the head
 * office has not acknowledged yet. A spend is forgotten once the journal record that holds it
 * is at or below the high-water mark: from then on the head office knows about it.
 */
export type SpendUnit = 'points' | 'rial';

export interface OfflineSpend {
  amount: number;
  unit: SpendUnit;
  /** The journal record holding the spend. */
  seq: number;
}

export type SpendDecision =
  | { allowed: true; reason: 'online' | 'within-allowance'; remaining: number | null }
  | { allowed: false; reason: 'allowance-exceeded' | 'too-many-cards-offline'; remaining: number };

export interface AllowanceSettings {
  allowancePoints: number;
  allowanceRial: number;
  trackedCardsMax: number;
}

export class OfflineAllowance {
  constructor(
    private readonly settings: AllowanceSettings,
    /** Card id → unacknowledged spends; persisted by the agent with its state. */
    readonly spends: Record<string, OfflineSpend[]> = {},
  ) {}

  decide(cardId: string, amount: number, unit: SpendUnit, online: boolean): SpendDecision {
    if (online) return { allowed: true, reason: 'online', remaining: null };
    const allowance = unit === 'points' ? this.settings.allowancePoints : this.settings.allowanceRial;
    const spent = (this.spends[cardId] ?? []).filter((spend) => spend.unit === unit).reduce((sum, spend) => sum + spend.amount, 0);
    const remaining = Math.max(0, allowance - spent);
    if (!(cardId in this.spends) && Object.keys(this.spends).length >= this.settings.trackedCardsMax) {
      return { allowed: false, reason: 'too-many-cards-offline', remaining: 0 };
    }
    if (amount > remaining) return { allowed: false, reason: 'allowance-exceeded', remaining };
    return { allowed: true, reason: 'within-allowance', remaining: remaining - amount };
  }

  record(cardId: string, spend: OfflineSpend): void {
    (this.spends[cardId] ??= []).push(spend);
  }

  /** Drops the spends the head office now holds; returns how many were dropped. */
  acknowledge(highWaterMark: number): number {
    let dropped = 0;
    for (const [cardId, list] of Object.entries(this.spends)) {
      const kept = list.filter((spend) => spend.seq > highWaterMark);
      dropped += list.length - kept.length;
      if (kept.length === 0) delete this.spends[cardId];
      else this.spends[cardId] = kept;
    }
    return dropped;
  }

  get trackedCards(): number {
    return Object.keys(this.spends).length;
  }
}
