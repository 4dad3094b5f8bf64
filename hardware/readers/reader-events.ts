import { EventEmitter } from 'node:events';
import type { ReaderEvents } from './types.js';

/**
 * Typed `on`/`off` for the reader events (card, removed, problem, status), shared by every
 * driver and by the hub that forwards them. Subclasses emit through `emitter`.
 */
export class ReaderEventSource {
  protected readonly emitter = new EventEmitter();

  on<E extends keyof ReaderEvents>(event: E, listener: (...args: ReaderEvents[E]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof ReaderEvents>(event: E, listener: (...args: ReaderEvents[E]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }
}
