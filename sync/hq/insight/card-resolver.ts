/**
 * Which card a member held at a moment: kiosks journal what a member did, not which card was
 * tapped, so a use is attributed to the card linked most recently before it and not blocked
 * by then (the card a lost one was replaced with, after the replacement).
 */
export interface CardRow {
  id: string;
  memberId: string;
  linkedAtMs: number;
  blockedAtMs: number | null;
}

export class CardResolver {
  private readonly byMember = new Map<string, CardRow[]>();
  private readonly owner = new Map<string, string>();

  constructor(cards: readonly CardRow[]) {
    for (const card of cards) {
      this.owner.set(card.id, card.memberId);
      const list = this.byMember.get(card.memberId) ?? [];
      list.push(card);
      this.byMember.set(card.memberId, list);
    }
    for (const list of this.byMember.values()) list.sort((a, b) => a.linkedAtMs - b.linkedAtMs || a.id.localeCompare(b.id));
  }

  ownerOf(cardId: string): string | undefined {
    return this.owner.get(cardId);
  }

  cardAt(memberId: string, atMs: number): string | undefined {
    const list = this.byMember.get(memberId);
    if (!list || list.length === 0) return undefined;
    let held: CardRow | undefined;
    for (const card of list) {
      if (card.linkedAtMs > atMs) break;
      if (card.blockedAtMs === null || card.blockedAtMs > atMs) held = card;
    }
    // Linked a moment after the use (clocks of two devices), or every card blocked: the first one.
    return (held ?? list[0]!).id;
  }
}
