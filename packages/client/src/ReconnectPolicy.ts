/** What a reconnect policy knows when asked for the next delay. */
export interface ReconnectContext {
  /** 0 for the first retry after a drop. */
  retryCount: number;
  /** Milliseconds since the connection was lost. */
  elapsedMs: number;
}

/**
 * Decides how long to wait before the next reconnection attempt, or null to give up (the client then shows
 * "could not reconnect" and waits for the user). A network change cuts the current wait short. Injected into PttClient so it can be tested without sleeping.
 */
export interface ReconnectPolicy {
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

export interface BackoffOptions {
  /** First delay (default 250 ms). */
  initialMs?: number;
  /** Largest delay (default 5 s). */
  maxDelayMs?: number;
  /** After this long without success, wait about slowDelayMs between attempts (default 2 min). */
  slowAfterMs?: number;
  /** Delay between attempts in the slow phase (default 30 s). */
  slowDelayMs?: number;
  /** Stop after this long without success (default never: a phone in a pocket has nobody to press Retry). */
  giveUpAfterMs?: number;
  /** Fraction of random spread around each delay (default 0.3). */
  jitter?: number;
  /** Random source in [0, 1) (injectable for tests). */
  random?: () => number;
}

/**
 * Exponential backoff with jitter and a ceiling; after slowAfterMs it settles on a slower pace (tens of
 * seconds) and keeps trying for as long as the person is signed in, unless a total time to give up is set.
 */
export class ExponentialBackoff implements ReconnectPolicy {
  readonly #initialMs: number;
  readonly #maxDelayMs: number;
  readonly #slowAfterMs: number;
  readonly #slowDelayMs: number;
  readonly #giveUpAfterMs: number;
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 250;
    this.#maxDelayMs = options.maxDelayMs ?? 5000;
    this.#slowAfterMs = options.slowAfterMs ?? 120_000;
    this.#slowDelayMs = options.slowDelayMs ?? 30_000;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? Number.POSITIVE_INFINITY;
    this.#jitter = options.jitter ?? 0.3;
    this.#random = options.random ?? Math.random;
  }

  nextRetryDelayMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    if (elapsedMs >= this.#giveUpAfterMs) return null;
    const base =
      elapsedMs >= this.#slowAfterMs
        ? Math.max(this.#slowDelayMs, this.#maxDelayMs)
        : Math.min(this.#maxDelayMs, this.#initialMs * 2 ** Math.min(retryCount, 20));
    const spread = base * this.#jitter * (this.#random() * 2 - 1);
    return Math.max(0, Math.round(base + spread));
  }
}
