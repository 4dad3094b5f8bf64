import { randomUUID } from 'node:crypto';
import type { Actor } from '../ledger/types.js';
import type { Club } from './club-types.js';
import type { CapturedCard, CommandName, CommandPayload, Screen } from './protocol.js';
import type { SessionEvent } from './session.js';
import { ApiError } from '../server/errors.js';
import { normaliseMobile } from './text.js';

/**
 * What a signed-in staff member can do at the kiosk. Every command runs as that staff member:
 * the club records them as the actor on the ledger commit and in the audit log.
 */
export class StaffCommands {
  constructor(
    private readonly club: Club,
    private readonly dispatch: (event: SessionEvent) => boolean,
    private readonly currentScreen: () => Screen,
  ) {}

  private session(): Extract<Screen, { name: 'staff' }> {
    const screen = this.currentScreen();
    if (screen.name !== 'staff') throw new ApiError('NOT_IN_SESSION', 'Sign in with a staff card first.');
    return screen;
  }

  private actor(): Actor {
    return { kind: 'staff', id: this.session().staff.staffId };
  }

  private newCard(): string {
    const card = this.session().card;
    if (!card) throw new ApiError('NOT_IN_SESSION', 'Tap the new card on the reader first.');
    if (card.status !== 'new') throw new ApiError('CARD_IN_USE');
    return card.cardId;
  }

  /** A card tapped in staff mode: whose is it? */
  capture(cardId: string): void {
    const found = this.club.lookupCard(cardId);
    const card: CapturedCard = found.kind === 'member'
      ? { cardId, status: 'member', member: this.club.staffMemberView(found.memberId) }
      : { cardId, status: found.kind === 'blocked' ? 'blocked' : 'new' };
    this.dispatch({ type: 'staff-card-captured', card });
  }

  async execute(command: CommandName, payload: unknown): Promise<unknown> {
    switch (command) {
      case 'staff.enrol': {
        const input = payload as CommandPayload<'staff.enrol'>;
        const cardId = this.newCard();
        const member = await this.club.createMember({ ...input, card: cardId }, this.actor());
        this.afterChange(member.memberId, { code: 'enrolled' }, cardId);
        return { memberId: member.memberId };
      }
      case 'staff.findByPhone': {
        const phone = normaliseMobile((payload as CommandPayload<'staff.findByPhone'>).phone);
        if (!phone) throw new ApiError('INVALID_PHONE');
        try {
          const member = this.club.memberByPhone(phone);
          this.dispatch({ type: 'staff-member', member: this.club.staffMemberView(member.memberId), notice: { code: 'found' } });
          return { memberId: member.memberId };
        } catch (error) {
          if (error instanceof ApiError && error.code === 'MEMBER_NOT_FOUND') {
            this.dispatch({ type: 'staff-member', member: null, notice: { code: 'not-found' } });
          }
          throw error;
        }
      }
      case 'staff.linkCard': {
        const { memberId } = payload as CommandPayload<'staff.linkCard'>;
        const cardId = this.newCard();
        await this.club.linkCard(memberId, cardId, this.actor());
        this.afterChange(memberId, { code: 'linked' }, cardId);
        return null;
      }
      case 'staff.purchase': {
        const { memberId, amountRial } = payload as CommandPayload<'staff.purchase'>;
        const { result } = await this.club.recordPurchase({ memberId }, amountRial, `kiosk-${randomUUID()}`, this.actor());
        this.afterChange(memberId, { code: 'purchase-recorded', points: result.pointsEarned, balance: result.balance });
        return result;
      }
      case 'staff.replaceCard': {
        const { lostCardId } = payload as CommandPayload<'staff.replaceCard'>;
        const cardId = this.newCard();
        const lost = this.club.lookupCard(lostCardId);
        await this.club.replaceCard(lostCardId, cardId, this.actor());
        const memberId = lost.kind === 'member' ? lost.memberId : this.club.memberByCard(cardId).memberId;
        this.afterChange(memberId, { code: 'card-replaced' }, cardId);
        return null;
      }
      case 'staff.adjust': {
        const { memberId, points, reason } = payload as CommandPayload<'staff.adjust'>;
        const balance = await this.club.adjustPoints(memberId, points, reason, this.actor());
        this.afterChange(memberId, { code: 'adjusted', points, balance });
        return { balance };
      }
      case 'staff.clear':
        this.session();
        this.dispatch({ type: 'staff-clear' });
        return null;
      default:
        throw new ApiError('BAD_REQUEST', `Unknown command "${command}".`);
    }
  }

  /** Shows the member as they are now, and the tapped card as theirs. */
  private afterChange(memberId: string, notice: NonNullable<Extract<Screen, { name: 'staff' }>['notice']>, cardId?: string): void {
    const member = this.club.staffMemberView(memberId);
    if (cardId !== undefined) this.dispatch({ type: 'staff-card-captured', card: { cardId, status: 'member', member } });
    this.dispatch({ type: 'staff-member', member, notice });
  }
}
