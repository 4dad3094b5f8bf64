import type { CardView, MemberView, PullResponse, SyncDocument } from '../protocol/messages.js';
import { readJson, writeJsonDurably } from './state-file.js';

/**
 * What the kiosk pulled from the head office: its store's members and cards, the chain's
 * blocked cards and the latest documents (configuration, earning rules, campaigns, reward
 * catalogue). Bounded: beyond `membersMax` members the oldest-pulled are not kept and
 * `truncated` raises an alarm. The kiosk reads it; it never writes the kiosk's own ledger.
 */
interface CacheFile {
  version: 1;
  members: Record<string, MemberView>;
  cards: Record<string, CardView>;
  blockedCards: string[];
  documents: Record<string, SyncDocument>;
}

const BLOCKED_CARDS_MAX = 500_000;

export class PullCache {
  private data: CacheFile = { version: 1, members: {}, cards: {}, blockedCards: [], documents: {} };
  private blocked = new Set<string>();
  truncated = false;

  constructor(
    private readonly path: string,
    private readonly membersMax: number,
  ) {}

  async load(): Promise<void> {
    const saved = (await readJson(this.path)) as CacheFile | undefined;
    if (saved?.version === 1) this.data = saved;
    this.blocked = new Set(this.data.blockedCards);
  }

  async apply(pull: PullResponse): Promise<void> {
    for (const member of pull.members) {
      if (!(member.id in this.data.members) && Object.keys(this.data.members).length >= this.membersMax) {
        this.truncated = true;
        continue;
      }
      this.data.members[member.id] = member;
    }
    for (const card of pull.cards) this.data.cards[card.id] = card;
    for (const cardId of pull.blockedCards) {
      if (this.blocked.size >= BLOCKED_CARDS_MAX) {
        this.truncated = true;
        break;
      }
      this.blocked.add(cardId);
    }
    for (const document of pull.documents) this.data.documents[document.kind] = document;
    if (pull.members.length + pull.cards.length + pull.blockedCards.length + pull.documents.length === 0) return;
    this.data.blockedCards = [...this.blocked];
    await writeJsonDurably(this.path, this.data);
  }

  document(kind: string): SyncDocument | undefined {
    return this.data.documents[kind];
  }

  isCardBlocked(cardId: string): boolean {
    return this.blocked.has(cardId) || this.data.cards[cardId]?.status === 'blocked';
  }

  member(memberId: string): MemberView | undefined {
    return this.data.members[memberId];
  }

  card(cardId: string): CardView | undefined {
    return this.data.cards[cardId];
  }

  get memberCount(): number {
    return Object.keys(this.data.members).length;
  }
}
