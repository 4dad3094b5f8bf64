import type { Actor, Op, Timestamp, Transfer } from './types.js';

/**
 * Records every change a commit makes to in-memory state so it can be undone: when a later
 * operation of the same commit is refused, or when the disk refuses the journal write. State
 * values are treated as immutable: replace them through `set`/`delete`. The one exception is
 * the core's accounts (a million of them, changed by every transfer), which the transfer
 * handler changes in place with an `onUndo` step for each change.
 */
export class Undo {
  private readonly steps: Array<() => void> = [];

  set<K, V>(map: Map<K, V>, key: K, value: V): void {
    const had = map.has(key);
    const previous = map.get(key);
    this.steps.push(had ? () => map.set(key, previous as V) : () => map.delete(key));
    map.set(key, value);
  }

  delete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    const previous = map.get(key) as V;
    this.steps.push(() => map.set(key, previous));
    map.delete(key);
  }

  /** For state that is not a Map: push the function that restores it. */
  onUndo(step: () => void): void {
    this.steps.push(step);
  }

  /** Reverts every recorded change, newest first. */
  rollback(): void {
    for (let index = this.steps.length - 1; index >= 0; index--) this.steps[index]!();
    this.steps.length = 0;
  }

  get size(): number {
    return this.steps.length;
  }

  /** False while replaying: a handler may then skip building undo steps nobody will run. */
  get recording(): boolean {
    return true;
  }
}

/**
 * For replaying records that were valid when written: changes are applied without keeping
 * the means to undo them (a record that fails on replay stops the start anyway).
 */
export class NoUndo extends Undo {
  override set<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.set(key, value);
  }

  override delete<K, V>(map: Map<K, V>, key: K): void {
    map.delete(key);
  }

  override onUndo(): void {}

  override rollback(): void {
    throw new Error('a replayed record cannot be undone');
  }

  override get recording(): boolean {
    return false;
  }
}

/** What an operation handler sees while it applies one operation of a commit. */
export interface ApplyContext {
  commitId: string;
  /** Index of this operation within its commit. */
  index: number;
  actor: Actor;
  /** When the commit happened (not when it is replayed). */
  at: Timestamp;
  undo: Undo;
  /** Other modules' state, read-only by convention (e.g. loyalty reads the core's members). */
  slice<S>(moduleName: string): S;
  /** Applies another operation within the same commit (e.g. a purchase posting its transfer). */
  applyNested(op: Op): unknown;
  /**
   * Records a transfer the commit made, top-level or nested. The journal record lists them
   * all (`postings`), so the head office can keep the books without knowing every module.
   */
  posted(transfer: Transfer): void;
}

/**
 * A handler validates its operation against the current state and applies it, or throws a
 * LedgerError and changes nothing it has not recorded in `ctx.undo`. It must be deterministic:
 * the same state, operation and context always give the same result, because the journal is
 * replayed on every start and by the head office.
 */
export type OpHandler<S> = (state: S, op: Op, ctx: ApplyContext) => unknown;

/**
 * A slice of ledger state with the operations that change it. The core (members, cards,
 * accounts) is one module; loyalty, vouchers and staff are others. Each module's slice is
 * saved in the snapshot under its name.
 */
export interface LedgerModule<S = unknown> {
  name: string;
  initial(): S;
  handlers: Record<string, OpHandler<S>>;
  toSnapshot(state: S): unknown;
  fromSnapshot(data: unknown): S;
}
