import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../ledger/clock.js';
import type { CoreState } from '../ledger/core-state.js';
import { LedgerError, type Actor, type CommitRequest, type CommitResult, type Op } from '../ledger/types.js';
import type { LoyaltyRules } from './config.js';
import { LOYALTY_MODULE, type LoyaltyState } from './module/state.js';

/** The part of the Ledger the loyalty service uses (the real Ledger satisfies it). */
export interface LoyaltyLedger {
  commit(request: CommitRequest): Promise<CommitResult>;
  readonly core: CoreState;
  slice<S>(name: string): S;
  balance(account: string): number;
  readonly clock: Clock;
  readonly lastSeq: number;
}

/** Where random values come from: crypto in production, fixed sequences in tests. */
export interface RandomSource {
  bytes(count: number): Uint8Array;
  /** A uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

export const cryptoRandom: RandomSource = {
  bytes: (count) => randomBytes(count),
  int: (maxExclusive) => randomInt(maxExclusive),
};

/** What the service's parts share: the books, the rules in force, randomness and a log. */
export class ServiceContext {
  constructor(
    readonly ledger: LoyaltyLedger,
    readonly random: RandomSource,
    readonly logger: Logger | undefined,
  ) {}

  get state(): LoyaltyState {
    return this.ledger.slice<LoyaltyState>(LOYALTY_MODULE);
  }

  get rules(): LoyaltyRules {
    const rules = this.state.rules;
    if (!rules) throw new LedgerError('NOT_CONFIGURED', 'the loyalty rules have not been set');
    return rules;
  }

  nowMs(): number {
    return this.ledger.clock.now().atMs;
  }

  /** Commits one operation and returns its handler's result. */
  async commitOne<R>(id: string, actor: Actor, op: Op): Promise<{ result: R; replayed: boolean }> {
    const committed = await this.ledger.commit({ id, actor, ops: [op] });
    return { result: committed.results[0] as R, replayed: committed.replayed };
  }
}

/** Checks a caller-supplied id before it becomes part of a commit id. */
export function requireId(value: unknown, what: string, pattern = /^[A-Za-z0-9_.:-]{1,64}$/): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new LedgerError('INVALID_OPERATION', `${what} must be 1-64 of A-Z a-z 0-9 _ . : -`);
  return value;
}
