import { listTransfer, loadHistories, saveHistories, type SavedHistories } from './account-history.js';
import type { ApplyContext, LedgerModule, Undo } from './module.js';
import { CORE_MODULE, type Account, type CoreState } from './core-state.js';
import {
  LedgerError,
  isClubAccount,
  type AccountId,
  type BlockCardOp,
  type Card,
  type CardKind,
  type CreateMemberOp,
  type LinkCardOp,
  type Member,
  type Op,
  type Transfer,
  type TransferOp,
  type UpdateMemberOp,
} from './types.js';
import { check, isIsoDate, isPhone, isSafeId } from './validate.js';

const CARD_KINDS: readonly CardKind[] = ['member', 'discount', 'gift', 'credit', 'staff'];
/** `member:<memberId>:<purpose>`, `card:<cardId>:<purpose>` (card ids hold a colon), `club:<name>`. */
const ACCOUNT_PATTERN = /^(member:[A-Za-z0-9_-]{1,64}|card:[a-z0-9]{2,8}:[A-Za-z0-9_.-]{1,128}):[a-z][a-z0-9-]{0,31}$|^club:[a-z][a-z0-9-]{0,39}$/;

function member(state: CoreState, memberId: string): Member {
  const found = state.members.get(memberId);
  if (!found) throw new LedgerError('UNKNOWN_MEMBER', `no member ${memberId}`, { memberId });
  return found;
}

function checkProfile(op: Partial<CreateMemberOp>): void {
  if (op.name !== undefined) check(typeof op.name === 'string' && op.name.trim().length > 0 && op.name.length <= 100, 'name must be 1 to 100 characters');
  if (op.phone !== undefined) check(isPhone(op.phone), 'phone must be a normalised Iranian mobile number (09xxxxxxxxx)');
  if (op.birthday !== undefined) check(isIsoDate(op.birthday), 'birthday must be a date (YYYY-MM-DD)');
  if (op.anniversary !== undefined) check(isIsoDate(op.anniversary), 'anniversary must be a date (YYYY-MM-DD)');
  if (op.smsConsent !== undefined) check(typeof op.smsConsent === 'boolean', 'smsConsent must be true or false');
  if (op.interests !== undefined) {
    check(Array.isArray(op.interests) && op.interests.length <= 20 && op.interests.every((i) => typeof i === 'string' && i.length <= 40), 'interests must be at most 20 short strings');
  }
}

function createMember(state: CoreState, raw: Op, ctx: ApplyContext): { memberId: string } {
  const op = raw as unknown as CreateMemberOp;
  check(isSafeId(op.memberId), 'memberId must be a short id');
  check(typeof op.name === 'string' && typeof op.phone === 'string' && typeof op.smsConsent === 'boolean', 'name, phone and smsConsent are required');
  check(isSafeId(op.storeId), 'storeId must be a short id');
  checkProfile(op);
  if (state.members.has(op.memberId)) throw new LedgerError('MEMBER_EXISTS', `member ${op.memberId} exists`, { memberId: op.memberId });
  if (state.memberByPhone.has(op.phone)) {
    throw new LedgerError('PHONE_IN_USE', 'this phone number belongs to another member', { memberId: state.memberByPhone.get(op.phone) });
  }
  const created: Member = {
    id: op.memberId,
    name: op.name.trim(),
    phone: op.phone,
    smsConsent: op.smsConsent,
    storeId: op.storeId,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    ...(op.birthday !== undefined && { birthday: op.birthday }),
    ...(op.anniversary !== undefined && { anniversary: op.anniversary }),
    ...(op.interests !== undefined && { interests: [...op.interests] }),
  };
  ctx.undo.set(state.members, created.id, created);
  ctx.undo.set(state.memberByPhone, created.phone, created.id);
  return { memberId: created.id };
}

function updateMember(state: CoreState, raw: Op, ctx: ApplyContext): { memberId: string } {
  const op = raw as unknown as UpdateMemberOp;
  check(typeof op.patch === 'object' && op.patch !== null, 'patch must be an object');
  const allowed = ['name', 'phone', 'birthday', 'anniversary', 'smsConsent', 'interests'];
  check(Object.keys(op.patch).every((key) => allowed.includes(key)), `patch may only change ${allowed.join(', ')}`);
  checkProfile(op.patch);
  const current = member(state, op.memberId);
  const phone = op.patch.phone;
  if (phone !== undefined && phone !== current.phone) {
    if (state.memberByPhone.has(phone)) throw new LedgerError('PHONE_IN_USE', 'this phone number belongs to another member');
    ctx.undo.delete(state.memberByPhone, current.phone);
    ctx.undo.set(state.memberByPhone, phone, current.id);
  }
  ctx.undo.set(state.members, current.id, { ...current, ...op.patch, updatedAt: ctx.at });
  return { memberId: current.id };
}

function linkCard(state: CoreState, raw: Op, ctx: ApplyContext): { cardId: string; alreadyLinked: boolean } {
  const op = raw as unknown as LinkCardOp;
  check(typeof op.cardId === 'string' && /^[a-z0-9]{2,8}:[A-Za-z0-9_.-]{1,128}$/.test(op.cardId), 'cardId must be a normalised card id like nfc:04A1B2C3');
  check(CARD_KINDS.includes(op.kind), `kind must be one of ${CARD_KINDS.join(', ')}`);
  member(state, op.memberId);
  const existing = state.cards.get(op.cardId);
  if (existing) {
    if (existing.status === 'blocked') throw new LedgerError('CARD_BLOCKED', 'this card is blocked and cannot be linked again');
    if (existing.memberId !== op.memberId) throw new LedgerError('CARD_IN_USE', 'this card belongs to another member');
    return { cardId: op.cardId, alreadyLinked: true };
  }
  const card: Card = { id: op.cardId, memberId: op.memberId, kind: op.kind, status: 'active', linkedAt: ctx.at };
  ctx.undo.set(state.cards, card.id, card);
  ctx.undo.set(state.cardsByMember, op.memberId, [...(state.cardsByMember.get(op.memberId) ?? []), card.id]);
  return { cardId: card.id, alreadyLinked: false };
}

function blockCard(state: CoreState, raw: Op, ctx: ApplyContext): { cardId: string; alreadyBlocked: boolean } {
  const op = raw as unknown as BlockCardOp;
  check(typeof op.reason === 'string' && op.reason.length > 0 && op.reason.length <= 200, 'reason must be 1 to 200 characters');
  const card = state.cards.get(op.cardId);
  if (!card) throw new LedgerError('UNKNOWN_CARD', 'no such card');
  if (card.status === 'blocked') return { cardId: card.id, alreadyBlocked: true };
  if (op.replacedBy !== undefined) check(typeof op.replacedBy === 'string', 'replacedBy must be a card id');
  ctx.undo.set(state.cards, card.id, {
    ...card,
    status: 'blocked',
    blockedAt: ctx.at,
    blockReason: op.reason,
    ...(op.replacedBy !== undefined && { replacedBy: op.replacedBy }),
  });
  return { cardId: card.id, alreadyBlocked: false };
}

/**
 * Strings that many transfers hold (club account ids, reasons), shared so that each listed
 * transfer does not keep its own copy. Bounded: past the limit new ones are simply not shared.
 */
const sharedWords = new Map<string, string>();
const MAX_SHARED_WORDS = 4096;

function shared(word: string): string {
  const known = sharedWords.get(word);
  if (known !== undefined) return known;
  if (sharedWords.size < MAX_SHARED_WORDS) sharedWords.set(word, word);
  return word;
}

/**
 * The account a transfer moves, opened on its first transfer (after checking that its member
 * or card is known). An open account passed these checks when it first moved, and members and
 * cards are never deleted, so its owner is not looked up again: with a million members every
 * lookup is a cache miss.
 */
function openAccount(state: CoreState, raw: AccountId, undo: Undo): Account {
  const existing = state.accounts.get(raw);
  if (existing) return existing;
  check(typeof raw === 'string' && ACCOUNT_PATTERN.test(raw), `account "${String(raw)}" is not a valid account id`);
  const club = isClubAccount(raw);
  if (raw.startsWith('member:')) member(state, raw.slice(7, raw.lastIndexOf(':')));
  else if (!club && !state.cards.has(raw.slice(5, raw.lastIndexOf(':')))) throw new LedgerError('UNKNOWN_CARD', 'no such card', { account: raw });
  const account: Account = { id: club ? shared(raw) : raw, club, balance: 0, recent: [], carried: 0 };
  undo.set(state.accounts, account.id, account);
  return account;
}

const REASON = /^[a-z][a-z0-9-]{0,39}$/;
/** Reasons that passed REASON: a club uses a handful, and a replay checks millions of transfers. */
const validReasons = new Set<string>();
const MAX_VALID_REASONS = 256;

function isReason(reason: unknown): boolean {
  if (typeof reason !== 'string') return false;
  if (validReasons.has(reason)) return true;
  if (!REASON.test(reason)) return false;
  if (validReasons.size < MAX_VALID_REASONS) validReasons.add(reason);
  return true;
}

function transfer(state: CoreState, raw: Op, ctx: ApplyContext): { transferId: string; debitBalance: number; creditBalance: number } {
  const op = raw as unknown as TransferOp;
  const amount = op.amount;
  check(Number.isSafeInteger(amount) && amount > 0, 'amount must be a positive whole number');
  check(op.unit === 'points' || op.unit === 'rial', 'unit must be points or rial');
  check(isReason(op.reason), 'reason must be a short lower-case word');
  check(op.debit !== op.credit, 'debit and credit must be different accounts');
  if (op.memo !== undefined) check(typeof op.memo === 'string' && op.memo.length <= 200, 'memo must be at most 200 characters');
  if (op.ref !== undefined) check(typeof op.ref === 'object' && op.ref !== null && Object.values(op.ref).every((v) => typeof v === 'string'), 'ref must map names to strings');
  const debit = openAccount(state, op.debit, ctx.undo);
  const credit = openAccount(state, op.credit, ctx.undo);
  const debitBefore = debit.balance;
  const creditBefore = credit.balance;
  const debitBalance = debitBefore - amount;
  if (debitBalance < 0 && !debit.club) {
    throw new LedgerError('INSUFFICIENT_BALANCE', `balance ${debitBefore} is less than ${amount}`, { account: debit.id, balance: debitBefore, amount });
  }
  const creditBalance = creditBefore + amount;
  const record: Transfer = {
    id: `${ctx.commitId}#${ctx.index}`,
    debit: debit.id,
    credit: credit.id,
    amount,
    unit: op.unit === 'points' ? 'points' : 'rial',
    reason: shared(op.reason),
    at: ctx.at,
  };
  if (op.memo !== undefined) record.memo = op.memo;
  if (op.ref !== undefined) record.ref = { ...op.ref };
  debit.balance = debitBalance;
  credit.balance = creditBalance;
  if (ctx.undo.recording) {
    ctx.undo.onUndo(() => {
      debit.balance = debitBefore;
      credit.balance = creditBefore;
    });
  }
  ctx.posted(record);
  listTransfer(debit, record, ctx.undo);
  listTransfer(credit, record, ctx.undo);
  return { transferId: record.id, debitBalance, creditBalance };
}

interface CoreSnapshot extends SavedHistories {
  members: Member[];
  cards: Card[];
  balances: Array<[AccountId, number]>;
}

export const coreModule: LedgerModule<CoreState> = {
  name: CORE_MODULE,
  initial: () => ({
    members: new Map(),
    memberByPhone: new Map(),
    cards: new Map(),
    cardsByMember: new Map(),
    accounts: new Map(),
  }),
  handlers: {
    'member.create': createMember,
    'member.update': updateMember,
    'card.link': linkCard,
    'card.block': blockCard,
    transfer,
  },
  toSnapshot(state): CoreSnapshot {
    const balances: Array<[AccountId, number]> = [];
    for (const account of state.accounts.values()) balances.push([account.id, account.balance]);
    return {
      members: [...state.members.values()],
      cards: [...state.cards.values()],
      balances,
      ...saveHistories(state),
    };
  },
  fromSnapshot(data): CoreState {
    const snapshot = data as CoreSnapshot;
    const state = coreModule.initial();
    for (const m of snapshot.members) {
      // A million members are a third of the heap: share what is shared (the store, and the
      // time of a member never updated) rather than keep a copy per member.
      m.storeId = shared(m.storeId);
      if (m.updatedAt.atMs === m.createdAt.atMs && m.updatedAt.clockSynced === m.createdAt.clockSynced) m.updatedAt = m.createdAt;
      state.members.set(m.id, m);
      state.memberByPhone.set(m.phone, m.id);
    }
    for (const card of snapshot.cards) {
      state.cards.set(card.id, card);
      state.cardsByMember.set(card.memberId, [...(state.cardsByMember.get(card.memberId) ?? []), card.id]);
    }
    const accountFor = (raw: AccountId): Account => {
      let account = state.accounts.get(raw);
      if (!account) {
        const club = isClubAccount(raw);
        account = { id: club ? shared(raw) : raw, club, balance: 0, recent: [], carried: 0 };
        state.accounts.set(account.id, account);
      }
      return account;
    };
    for (const [id, balance] of snapshot.balances) accountFor(id).balance = balance;
    loadHistories(snapshot, accountFor);
    for (const account of state.accounts.values()) {
      for (const transfer of account.recent) {
        transfer.reason = shared(transfer.reason);
        if (isClubAccount(transfer.debit)) transfer.debit = shared(transfer.debit);
        if (isClubAccount(transfer.credit)) transfer.credit = shared(transfer.credit);
      }
    }
    return state;
  },
};
