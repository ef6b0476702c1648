/** What a reconnect policy knows when asked for the next delay. */
export interface ReconnectContext {
  /** 0 for the first retry after a drop. */
  retryCount: number;
  /** Milliseconds since the connection was lost. */
  elapsedMs: number;
}

/**
 * Decides how long to wait before the next reconnection attempt, or null to give up (the client then shows
 * "could not reconnect" and waits for the user). Injected into PttClient so it can be tested without sleeping.
 */
export interface ReconnectPolicy {
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

export interface BackoffOptions {
  /** First delay (default 250 ms). */
  initialMs?: number;
  /** Largest delay (default 5 s). */
  maxDelayMs?: number;
  /** Stop after this long without success (default 2 min). */
  giveUpAfterMs?: number;
  /** Fraction of random spread around each delay (default 0.3). */
  jitter?: number;
  /** Random source in [0, 1) (injectable for tests). */
  random?: () => number;
}

/** Exponential backoff with jitter and a ceiling; gives up after a total time. */
export class ExponentialBackoff implements ReconnectPolicy {
  readonly #initialMs: number;
  readonly #maxDelayMs: number;
  readonly #giveUpAfterMs: number;
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 250;
    this.#maxDelayMs = options.maxDelayMs ?? 5000;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? 120_000;
    this.#jitter = options.jitter ?? 0.3;
    this.#random = options.random ?? Math.random;
  }

  nextRetryDelayMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    if (elapsedMs >= this.#giveUpAfterMs) return null;
    const base = Math.min(this.#maxDelayMs, this.#initialMs * 2 ** Math.min(retryCount, 20));
    const spread = base * this.#jitter * (this.#random() * 2 - 1);
    return Math.max(0, Math.round(base + spread));
  }
}
