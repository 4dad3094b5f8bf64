/**
 * Bounded exponential backoff for reopening devices: the first retry is quick (a replugged
 * reader comes back within seconds), later ones wait up to `maxMs`, and a success resets it.
 */
export class Backoff {
  private attempts = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    if (initialMs <= 0 || maxMs < initialMs) throw new RangeError('backoff needs 0 < initialMs <= maxMs');
  }

  nextDelayMs(): number {
    const delayMs = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempts, 16));
    this.attempts += 1;
    return delayMs;
  }

  reset(): void {
    this.attempts = 0;
  }
}

/** Rejects with `message` when `promise` has not settled within `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}
