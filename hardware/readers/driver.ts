import { ReaderEventSource } from './reader-events.js';
import type { Logger } from '../../firmware/src/log/logger.js';
import type { DeviceState, DeviceStatus } from '../status.js';
import type { CardEvent, ReaderEvents, ReaderProblem } from './types.js';

/** What every driver gets from the factory. */
export interface DriverContext {
  logger: Logger;
  /** Chain-wide HMAC key for card numbers (magstripe). */
  cardIdKey: string;
  now: () => number;
}

/**
 * One configured reader (or, for PC/SC, every reader one pcscd shows). Drivers report through
 * the same events as the CardReaders hub; the hub only forwards them.
 */
export interface ReaderDriver {
  readonly id: string;
  on<E extends keyof ReaderEvents>(event: E, listener: (...args: ReaderEvents[E]) => void): this;
  off<E extends keyof ReaderEvents>(event: E, listener: (...args: ReaderEvents[E]) => void): this;
  statuses(): DeviceStatus[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Shared plumbing for drivers: typed events, status bookkeeping (a status is only emitted when
 * the state or detail changes, so a flapping device cannot flood the kiosk) and helpers that
 * stamp events with the driver's id and clock.
 */
export abstract class BaseReaderDriver extends ReaderEventSource implements ReaderDriver {
  private readonly deviceStatuses = new Map<string, DeviceStatus>();

  constructor(
    readonly id: string,
    protected readonly context: DriverContext,
  ) {
    super();
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  statuses(): DeviceStatus[] {
    return [...this.deviceStatuses.values()];
  }

  protected emitCard(card: Omit<CardEvent, 'readerId' | 'atMs'> & { readerId?: string; atMs?: number }): void {
    const event: CardEvent = { ...card, readerId: card.readerId ?? this.id, atMs: card.atMs ?? this.context.now() };
    this.emitter.emit('card', event);
  }

  protected emitRemoved(readerId: string = this.id): void {
    this.emitter.emit('removed', { readerId, atMs: this.context.now() });
  }

  protected emitProblem(code: string, message: string, readerId: string = this.id): void {
    const problem: ReaderProblem = { readerId, code, message, atMs: this.context.now() };
    this.context.logger.warn({ readerId, code }, message);
    this.emitter.emit('problem', problem);
  }

  /** Records and emits a device's state; repeated identical states are dropped. */
  protected setStatus(device: string, state: DeviceState, detail?: string): void {
    const previous = this.deviceStatuses.get(device);
    if (previous && previous.state === state && previous.detail === detail) return;
    const status: DeviceStatus = { device, state, sinceMs: this.context.now(), ...(detail === undefined ? {} : { detail }) };
    this.deviceStatuses.set(device, status);
    this.context.logger.info({ device, state }, detail ?? `reader ${state}`);
    this.emitter.emit('status', status);
  }

  /** A device that is gone for good (a PC/SC reader unplugged while others stay). */
  protected forgetStatus(device: string): void {
    this.deviceStatuses.delete(device);
  }
}
