import { rateLimited } from '../errors';

export interface LoginRateLimit {
  /** Attempts allowed per key within one window. */
  maxAttempts: number;
  windowSec: number;
}

export const defaultLoginRateLimit: LoginRateLimit = { maxAttempts: 10, windowSec: 300 };

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Counts login attempts per key (client address + e-mail) in fixed windows, in this process's memory. A
 * successful login clears the key. Several server nodes each count on their own.
 */
export class LoginLimiter {
  readonly #limit: LoginRateLimit;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();
  #nextSweep = 0;

  constructor(limit: LoginRateLimit = defaultLoginRateLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Counts one attempt; throws a rate_limited error when the key has used up its window. */
  hit(key: string): void {
    const now = this.#now();
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.#limit.windowSec * 1000 };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit.maxAttempts) {
      throw rateLimited(Math.max(1, Math.ceil((window.resetAt - now) / 1000)));
    }
    window.count += 1;
  }

  reset(key: string): void {
    this.#windows.delete(key);
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + this.#limit.windowSec * 1000;
    for (const [key, window] of this.#windows) {
      if (window.resetAt <= now) this.#windows.delete(key);
    }
  }
}
