import { CommitIndex, type Fingerprint, type StoredCommit } from './commit-index.js';
import type { ApplyContext, LedgerModule, OpHandler } from './module.js';
import { NoUndo, Undo } from './module.js';
import { LedgerError, type CommitRecord, type Op, type Transfer } from './types.js';

export type { StoredCommit } from './commit-index.js';

/** What `apply` returns as results while replaying. */
const NO_RESULTS: unknown[] = [];

/** Nested operations (a purchase posting its transfers) may not recurse without end. */
const MAX_NESTING = 8;

/**
 * The in-memory books: every module's slice and the commits seen so far. Applying a commit is
 * all-or-nothing: if any operation is refused, everything the commit changed is undone.
 * There is no I/O here; the Ledger decides when a commit is durable.
 */
export class LedgerEngine {
  readonly slices = new Map<string, unknown>();
  readonly commits = new CommitIndex();
  private readonly handlers = new Map<string, { module: string; handler: OpHandler<unknown> }>();

  constructor(readonly modules: readonly LedgerModule<unknown>[]) {
    for (const module of modules) {
      if (this.slices.has(module.name)) throw new Error(`ledger module "${module.name}" registered twice`);
      this.slices.set(module.name, module.initial());
      for (const [op, handler] of Object.entries(module.handlers)) {
        const existing = this.handlers.get(op);
        if (existing) throw new Error(`operation "${op}" is claimed by both ${existing.module} and ${module.name}`);
        this.handlers.set(op, { module: module.name, handler });
      }
    }
  }

  slice<S>(name: string): S {
    if (!this.slices.has(name)) throw new Error(`no ledger module "${name}"`);
    return this.slices.get(name) as S;
  }

  knows(op: string): boolean {
    return this.handlers.has(op);
  }

  /**
   * Applies a commit's operations in order. On success returns the results and the undo log
   * (kept until the record is durable); on refusal rolls back and rethrows. `replaying` is for
   * records already in the journal: nothing can be undone, and no results are returned (the
   * record holds them).
   */
  apply(record: CommitRecord, seq: number, fingerprint: Fingerprint, replaying = false): { results: unknown[]; undo: Undo; postings: Transfer[] } {
    const undo = replaying ? new NoUndo() : new Undo();
    const postings: Transfer[] = [];
    try {
      // Replaying, nobody reads the results (they are in the journal record): none are kept.
      const results: unknown[] = replaying ? NO_RESULTS : new Array<unknown>(record.ops.length);
      for (let index = 0; index < record.ops.length; index++) {
        const result = this.applyOne(record.ops[index]!, record, index, undo, 0, postings);
        if (!replaying) results[index] = result;
      }
      if (replaying) this.commits.set(record.id, fingerprint, seq);
      else this.remember(record.id, fingerprint, seq, undo);
      return { results, undo, postings };
    } catch (error) {
      undo.rollback();
      throw error;
    }
  }

  private remember(id: string, fingerprint: Fingerprint, seq: number, undo: Undo): void {
    const previous = this.commits.get(id);
    this.commits.set(id, fingerprint, seq);
    undo.onUndo(() => {
      if (previous) this.commits.set(id, previous.fingerprint, previous.seq);
      else this.commits.delete(id);
    });
  }

  /** Applies one operation (top-level or nested) through its module's handler. */
  applyOne(op: Op, record: CommitRecord, index: number, undo: Undo, depth: number, postings: Transfer[]): unknown {
    if (typeof op !== 'object' || op === null || typeof op.op !== 'string') {
      throw new LedgerError('INVALID_OPERATION', `operation ${index} has no "op" name`);
    }
    const entry = this.handlers.get(op.op);
    if (!entry) throw new LedgerError('UNKNOWN_OPERATION', `unknown operation "${op.op}"`);
    if (depth > MAX_NESTING) throw new LedgerError('INVALID_OPERATION', 'operations nested too deeply');
    return entry.handler(this.slices.get(entry.module), op, new OperationContext(this, record, index, undo, depth, postings));
  }

  toSnapshot(): Record<string, unknown> {
    const modules: Record<string, unknown> = {};
    for (const module of this.modules) modules[module.name] = module.toSnapshot(this.slices.get(module.name));
    return modules;
  }

  loadSnapshot(modules: Record<string, unknown>, commits: Array<[string, StoredCommit]>): void {
    for (const module of this.modules) {
      if (module.name in modules) this.slices.set(module.name, module.fromSnapshot(modules[module.name]));
    }
    this.commits.clear();
    for (const [id, stored] of commits) this.commits.set(id, stored.fingerprint, stored.seq);
  }
}

/**
 * What a handler sees of its commit. A class rather than an object literal with closures:
 * one small object per operation instead of four, on the path of every commit and replay.
 */
class OperationContext implements ApplyContext {
  readonly commitId: string;
  readonly actor: CommitRecord['actor'];
  readonly at: CommitRecord['at'];

  constructor(
    private readonly engine: LedgerEngine,
    private readonly record: CommitRecord,
    readonly index: number,
    readonly undo: Undo,
    private readonly depth: number,
    private readonly postings: Transfer[],
  ) {
    this.commitId = record.id;
    this.actor = record.actor;
    this.at = record.at;
  }

  slice<S>(name: string): S {
    return this.engine.slice<S>(name);
  }

  // Nested operations get their own index space so transfer ids stay unique and stable.
  applyNested(nested: Op): unknown {
    return this.engine.applyOne(nested, this.record, this.index * 1000 + nestedCounter(this.undo), this.undo, this.depth + 1, this.postings);
  }

  posted(transfer: Transfer): void {
    this.postings.push(transfer);
  }
}

/** Counts nested operations within one commit, via a property on its undo log. */
const nestedCounts = new WeakMap<Undo, number>();
function nestedCounter(undo: Undo): number {
  const next = (nestedCounts.get(undo) ?? 0) + 1;
  nestedCounts.set(undo, next);
  return next;
}
