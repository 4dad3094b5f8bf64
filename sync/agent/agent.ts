import { join } from 'node:path';
import type { Logger } from '../../firmware/src/log/logger.js';
import type { CardLookupResponse, PullResponse, WireJournalEntry } from '../protocol/messages.js';
import type { DeviceStatusReport } from '../protocol/directives.js';
import type { PullBundlePayload } from '../protocol/bundle.js';
import { backoffDelayMs } from './backoff.js';
import { HqClient, SyncRequestError } from './client.js';
import type { SyncAgentConfig } from './config.js';
import type { DeviceIdentity } from './identity.js';
import type { SyncableLedger } from './ledger-port.js';
import { OfflineAllowance, type OfflineSpend, type SpendDecision, type SpendUnit } from './offline-allowance.js';
import { PullCache } from './pull-cache.js';
import { readJson, writeJsonDurably } from './state-file.js';

/**
 * The kiosk's sync agent: pushes the journal to the head office in batches, pulls what the
 * store needs, and keeps going through a flapping link with bounded, jittered backoff. Its
 * state (the high-water mark, the pull cursor, unacknowledged offline spends) is in a file
 * replaced atomically, and the ledger is told to keep every record the head office lacks.
 */
export interface AgentState {
  version: 1;
  highWaterMark: number;
  lastSuccessAtMs: number | null;
  pullRevision: number;
  documentVersions: Record<string, number>;
  offlineSpends: Record<string, OfflineSpend[]>;
}

export type SyncPhase = 'disabled' | 'stopped' | 'idle' | 'syncing' | 'backoff';

export interface SyncStatus {
  enabled: boolean;
  phase: SyncPhase;
  online: boolean;
  deviceId: string;
  headOfficeUrl: string;
  highWaterMark: number;
  lastSeq: number;
  pendingRecords: number;
  lastSuccessAtMs: number | null;
  lastAttemptAtMs: number | null;
  nextAttemptAtMs: number | null;
  consecutiveFailures: number;
  lastError: { code: string; message: string; atMs: number } | null;
  alarms: string[];
  pullRevision: number;
  documentVersions: Record<string, number>;
  offlineTrackedCards: number;
}

export interface SyncAgentOptions {
  config: SyncAgentConfig;
  identity: DeviceIdentity;
  ledger: SyncableLedger;
  dataDir: string;
  logger?: Logger;
  nowMs?: () => number;
  random?: () => number;
  /**
   * Called with every pulled page (and a pull bundle) after the cache took it and before the
   * cursor moves: the kiosk carries out blocks, directives and rules here. A throw fails the
   * round and the page comes again.
   */
  onPull?: (page: PullResponse) => Promise<void>;
  /** The kiosk's status sent with each pull (the agent adds the queue depth). */
  reportStatus?: () => Promise<Omit<DeviceStatusReport, 'queueDepth'> | undefined>;
}

const STATE_FILE = 'sync-state.json';
const WAKE_DEBOUNCE_MS = 250;

export class SyncAgent {
  private state!: AgentState;
  private allowance!: OfflineAllowance;
  readonly cache: PullCache;
  private readonly client: HqClient;
  private readonly nowMs: () => number;
  private readonly random: () => number;
  private phase: SyncPhase = 'stopped';
  private failures = 0;
  private lastAttemptAtMs: number | null = null;
  private nextAttemptAtMs: number | null = null;
  private lastError: SyncStatus['lastError'] = null;
  private handshakeNeeded = true;
  private lastPullAtMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private lookupsInFlight = 0;
  private fatalCode: string | null = null;
  /** Exchanges run one at a time (the timer's and a caller's `syncOnce`). */
  private exchanging: Promise<void> = Promise.resolve();

  private constructor(private readonly options: SyncAgentOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.random = options.random ?? Math.random;
    this.client = new HqClient(options.config.headOfficeUrl, options.identity, options.config.requestTimeoutSeconds * 1000, this.nowMs);
    this.cache = new PullCache(join(options.dataDir, 'sync-cache.json'), options.config.cacheMembersMax);
  }

  /** Loads the persisted state and registers the retention hook; does not start syncing. */
  static async open(options: SyncAgentOptions): Promise<SyncAgent> {
    const agent = new SyncAgent(options);
    const saved = (await readJson(join(options.dataDir, STATE_FILE))) as AgentState | undefined;
    agent.state = saved?.version === 1 ? saved : { version: 1, highWaterMark: 0, lastSuccessAtMs: null, pullRevision: 0, documentVersions: {}, offlineSpends: {} };
    agent.allowance = new OfflineAllowance(options.config.offline, agent.state.offlineSpends);
    await agent.cache.load();
    // Compaction must never drop a record the head office has not acknowledged.
    options.ledger.retainFrom(() => agent.state.highWaterMark + 1);
    agent.phase = options.config.enabled ? 'stopped' : 'disabled';
    return agent;
  }

  start(): void {
    if (!this.options.config.enabled || this.phase !== 'stopped') return;
    this.phase = 'idle';
    this.unsubscribe = this.options.ledger.onCommit(() => this.wake());
    this.schedule(0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    if (this.phase !== 'disabled') this.phase = 'stopped';
    await this.running;
  }

  /**
   * One full exchange: handshake if needed, push everything pending (bounded), pull if due (or
   * `pullNow`). Throws on failure. Exchanges never overlap.
   */
  syncOnce(options: { pullNow?: boolean } = {}): Promise<void> {
    const run = this.exchanging.then(() => this.exchange(options.pullNow === true));
    this.exchanging = run.catch(() => undefined);
    return run;
  }

  private async exchange(pullNow: boolean): Promise<void> {
    this.lastAttemptAtMs = this.nowMs();
    if (this.handshakeNeeded) {
      const remote = await this.client.state();
      await this.adoptHighWaterMark(remote.highWaterMark);
      this.handshakeNeeded = false;
    }
    for (let batch = 0; batch < this.options.config.pushBatchesPerRound; batch++) {
      if (!(await this.pushOneBatch())) break;
    }
    if (pullNow || this.nowMs() - this.lastPullAtMs >= this.options.config.pullIntervalSeconds * 1000 || this.lastPullAtMs === 0) await this.pullAll();
    await this.succeeded();
  }

  /** Pushes one batch; false when nothing was pending. */
  private async pushOneBatch(): Promise<boolean> {
    const from = this.state.highWaterMark;
    if (this.options.ledger.lastSeq <= from) return false;
    const records = await this.options.ledger.readRecords(from, this.options.config.pushBatchRecords);
    if (records.length === 0) return false;
    const entries: WireJournalEntry[] = records.map((entry) => ({ seq: entry.seq, hash: entry.hash, prevHash: entry.prevHash, record: entry.record }));
    const answer = await this.client.push(entries);
    this.state.lastSuccessAtMs = this.nowMs(); // the head office answered: it is reachable
    if (answer.stored === 0 && answer.highWaterMark <= from) {
      // Nothing moved: the head office's mark differs from ours (a gap); ask for it afresh.
      this.handshakeNeeded = true;
      throw new SyncRequestError('OUT_OF_STEP', `head office high-water mark ${answer.highWaterMark}, ours ${from}`, true);
    }
    await this.adoptHighWaterMark(answer.highWaterMark);
    return true;
  }

  private async adoptHighWaterMark(highWaterMark: number): Promise<void> {
    if (highWaterMark === this.state.highWaterMark) return;
    if (highWaterMark < this.state.highWaterMark) this.options.logger?.warn({ highWaterMark, ours: this.state.highWaterMark }, 'head office is behind this kiosk: resending');
    this.state.highWaterMark = highWaterMark;
    this.allowance.acknowledge(highWaterMark);
    await this.persist();
  }

  private async statusReport(): Promise<DeviceStatusReport | undefined> {
    try {
      const reported = await this.options.reportStatus?.();
      return reported && { ...reported, queueDepth: Math.min(this.pendingRecords(), 2_000_000_000) };
    } catch (error) {
      // The fleet view misses one report; the exchange itself goes on.
      this.options.logger?.warn({ err: error }, 'sync: no status to report');
      return undefined;
    }
  }

  private async pullAll(): Promise<void> {
    const status = await this.statusReport();
    for (let page = 0; page < 1000; page++) {
      const answer: PullResponse = await this.client.pull({
        afterRevision: this.state.pullRevision,
        limit: this.options.config.pullPageSize,
        documentVersions: this.state.documentVersions,
        ...(page === 0 && status && { status }),
      });
      await this.cache.apply(answer);
      await this.options.onPull?.(answer);
      this.state.pullRevision = answer.nextRevision;
      for (const document of answer.documents) this.state.documentVersions[document.kind] = document.version;
      await this.persist();
      if (!answer.more) break;
    }
    this.lastPullAtMs = this.nowMs();
  }

  private async succeeded(): Promise<void> {
    this.failures = 0;
    this.lastError = null;
    this.fatalCode = null;
    this.state.lastSuccessAtMs = this.nowMs();
    await this.persist();
  }

  private persist(): Promise<void> {
    return writeJsonDurably(join(this.options.dataDir, STATE_FILE), this.state);
  }

  private wake(): void {
    if (this.phase === 'idle') this.schedule(WAKE_DEBOUNCE_MS);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.nextAttemptAtMs = this.nowMs() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.round().finally(() => (this.running = undefined));
    }, delayMs);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    if (this.phase === 'stopped' || this.phase === 'disabled') return;
    this.phase = 'syncing';
    let delayMs: number;
    try {
      await this.syncOnce();
      delayMs = this.pendingRecords() > 0 ? 0 : this.options.config.idleIntervalSeconds * 1000;
    } catch (error) {
      this.failures++;
      const known = error instanceof SyncRequestError ? error : new SyncRequestError('INTERNAL', (error as Error).message, true);
      this.lastError = { code: known.code, message: known.message, atMs: this.nowMs() };
      if (!known.retryable) this.fatalCode = known.code;
      this.options.logger?.warn({ code: known.code, failures: this.failures }, 'sync failed');
      delayMs = backoffDelayMs(this.failures, this.options.config.backoff, this.random);
    }
    if ((this.phase as SyncPhase) === 'stopped') return;
    this.phase = this.failures > 0 ? 'backoff' : 'idle';
    this.schedule(delayMs);
  }

  private pendingRecords(): number {
    return Math.max(0, this.options.ledger.lastSeq - this.state.highWaterMark);
  }

  /** True when the head office answered within the configured window. */
  isOnline(): boolean {
    const last = this.state.lastSuccessAtMs;
    return last !== null && this.failures === 0 && this.nowMs() - last <= this.options.config.offline.onlineWindowSeconds * 1000;
  }

  /** May this card spend `amount` now? Online: yes; offline: within the allowance. */
  authorizeSpend(cardId: string, amount: number, unit: SpendUnit): SpendDecision {
    return this.allowance.decide(cardId, amount, unit, this.isOnline());
  }

  /** Counts a committed spend against the card's offline allowance until the head office has it. */
  async recordSpend(cardId: string, amount: number, unit: SpendUnit, seq: number): Promise<void> {
    if (seq <= this.state.highWaterMark) return;
    this.allowance.record(cardId, { amount, unit, seq });
    await this.persist();
  }

  /** A card from another store: ask the head office when it is there. Bounded to two at a time. */
  async lookupCard(cardId: string): Promise<CardLookupResponse | 'unknown' | 'unavailable'> {
    if (this.lookupsInFlight >= 2 || !this.options.config.enabled) return 'unavailable';
    this.lookupsInFlight++;
    try {
      return await this.client.lookupCard(cardId, this.options.config.cardLookupTimeoutMs);
    } catch (error) {
      return error instanceof SyncRequestError && error.code === 'NOT_FOUND' ? 'unknown' : 'unavailable';
    } finally {
      this.lookupsInFlight--;
    }
  }

  /** A bundle brought back by USB stick: its high-water mark and pull data count as an exchange. */
  async applyPullBundle(payload: PullBundlePayload): Promise<void> {
    if (payload.deviceId !== this.options.identity.deviceId) throw new Error('bundle is for another device');
    if (payload.highWaterMark > this.state.highWaterMark) await this.adoptHighWaterMark(payload.highWaterMark);
    await this.cache.apply(payload.pull);
    await this.options.onPull?.(payload.pull);
    this.state.pullRevision = Math.max(this.state.pullRevision, payload.pull.nextRevision);
    for (const document of payload.pull.documents) this.state.documentVersions[document.kind] = document.version;
    await this.persist();
  }

  get highWaterMark(): number {
    return this.state.highWaterMark;
  }

  status(): SyncStatus {
    const now = this.nowMs();
    const { alarms: limits } = this.options.config;
    const alarms: string[] = [];
    const pending = this.pendingRecords();
    if (pending >= limits.outboxRecords) alarms.push('outbox-full');
    const since = this.state.lastSuccessAtMs;
    if (since === null && this.failures > 0) alarms.push('never-synced');
    if (since !== null && now - since > limits.offlineHours * 3_600_000) alarms.push('offline-too-long');
    if (this.fatalCode) alarms.push(`refused:${this.fatalCode}`);
    if (this.allowance.trackedCards >= this.options.config.offline.trackedCardsMax) alarms.push('offline-spends-full');
    if (this.cache.truncated) alarms.push('cache-full');
    return {
      enabled: this.options.config.enabled,
      phase: this.phase,
      online: this.isOnline(),
      deviceId: this.options.identity.deviceId,
      headOfficeUrl: this.options.config.headOfficeUrl,
      highWaterMark: this.state.highWaterMark,
      lastSeq: this.options.ledger.lastSeq,
      pendingRecords: pending,
      lastSuccessAtMs: this.state.lastSuccessAtMs,
      lastAttemptAtMs: this.lastAttemptAtMs,
      nextAttemptAtMs: this.timer ? this.nextAttemptAtMs : null,
      consecutiveFailures: this.failures,
      lastError: this.lastError,
      alarms,
      pullRevision: this.state.pullRevision,
      documentVersions: { ...this.state.documentVersions },
      offlineTrackedCards: this.allowance.trackedCards,
    };
  }
}
