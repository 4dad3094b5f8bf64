import type { CardReaders, ReaderEvents } from '../../../hardware/readers/types.js';

/** Resolves with the next `event` whose payload passes `accept`, or rejects after `timeoutMs`. */
export function nextEvent<E extends keyof ReaderEvents>(
  readers: Pick<CardReaders, 'on' | 'off'>,
  event: E,
  accept: (payload: ReaderEvents[E][0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<ReaderEvents[E][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      readers.off(event, listener);
      reject(new Error(`no matching '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: ReaderEvents[E]) => {
      if (!accept(args[0])) return;
      clearTimeout(timer);
      readers.off(event, listener);
      resolve(args[0]);
    };
    readers.on(event, listener);
  });
}

/** Collects every event of the listed kinds, for "nothing else happened" assertions. */
export function recordEvents(readers: Pick<CardReaders, 'on'>): { [E in keyof ReaderEvents]: Array<ReaderEvents[E][0]> } {
  const log = { card: [], removed: [], problem: [], status: [] } as { [E in keyof ReaderEvents]: Array<ReaderEvents[E][0]> };
  readers.on('card', (event) => log.card.push(event));
  readers.on('removed', (event) => log.removed.push(event));
  readers.on('problem', (event) => log.problem.push(event));
  readers.on('status', (event) => log.status.push(event));
  return log;
}
