import { LRUCache } from 'lru-cache';
import { rateLimited } from '../errors';

export interface LoginRateLimit {
  /** Attempts allowed per client address + e-mail within one window; a successful sign-in clears them. */
  maxAttempts: number;
  windowSec: number;
  /** Failed sign-ins allowed from one client address, whatever the e-mail (stops spraying many accounts). */
  maxFailuresPerAddress?: number;
  /**
   * Failed sign-ins allowed for one e-mail, whatever the address (stops guessing from many addresses). Higher
   * than the per-address limit, so that a stranger cannot cheaply lock someone else out.
   */
  maxFailuresPerAccount?: number;
  /** Keys remembered at most per kind (memory stays bounded under a flood of addresses or e-mails). */
  maxKeys?: number;
}

export const defaultLoginRateLimit: LoginRateLimit = {
  maxAttempts: 10,
  windowSec: 300,
  maxFailuresPerAddress: 100,
  maxFailuresPerAccount: 50,
  maxKeys: 100_000,
};

interface Window {
  count: number;
  resetAt: number;
}

/** Fixed windows per key in an LRU map: the least recently used keys are forgotten first. */
class WindowCounter {
  readonly #windows: LRUCache<string, Window>;
  readonly #windowMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(max: number, windowSec: number, maxKeys: number, now: () => number) {
    this.#max = max;
    this.#windowMs = windowSec * 1000;
    this.#now = now;
    this.#windows = new LRUCache({ max: maxKeys });
  }

  /** Seconds until the key may try again, or 0 when it is under its limit. */
  blockedFor(key: string): number {
    const window = this.#current(key);
    if (window === undefined || window.count < this.#max) return 0;
    return Math.max(1, Math.ceil((window.resetAt - this.#now()) / 1000));
  }

  add(key: string): void {
    let window = this.#current(key);
    if (window === undefined) {
      window = { count: 0, resetAt: this.#now() + this.#windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
  }

  clear(key: string): void {
    this.#windows.delete(key);
  }

  get size(): number {
    return this.#windows.size;
  }

  #current(key: string): Window | undefined {
    const window = this.#windows.get(key);
    if (window !== undefined && window.resetAt <= this.#now()) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }
}

/**
 * Sign-in limits, in this process's memory (several server nodes each count on their own):
 * - attempts per client address + e-mail (cleared by a successful sign-in);
 * - failures per client address across e-mails;
 * - failures per e-mail across addresses.
 * Each kind keeps at most `maxKeys` keys, so a flood of made-up addresses or e-mails cannot exhaust memory.
 */
export class LoginLimiter {
  readonly #pairs: WindowCounter;
  readonly #addresses: WindowCounter;
  readonly #accounts: WindowCounter;

  constructor(limit: LoginRateLimit = defaultLoginRateLimit, now: () => number = Date.now) {
    const maxKeys = limit.maxKeys ?? defaultLoginRateLimit.maxKeys ?? 100_000;
    const perAddress = limit.maxFailuresPerAddress ?? defaultLoginRateLimit.maxFailuresPerAddress ?? 100;
    const perAccount = limit.maxFailuresPerAccount ?? defaultLoginRateLimit.maxFailuresPerAccount ?? 50;
    this.#pairs = new WindowCounter(limit.maxAttempts, limit.windowSec, maxKeys, now);
    this.#addresses = new WindowCounter(perAddress, limit.windowSec, maxKeys, now);
    this.#accounts = new WindowCounter(perAccount, limit.windowSec, maxKeys, now);
  }

  /** Counts one attempt; throws a rate_limited error when any of the three limits is used up. */
  attempt(address: string, email: string): void {
    const account = email.trim().toLowerCase();
    const pair = `${address}|${account}`;
    const wait = Math.max(
      this.#pairs.blockedFor(pair),
      this.#addresses.blockedFor(address),
      this.#accounts.blockedFor(account),
    );
    if (wait > 0) throw rateLimited(wait);
    this.#pairs.add(pair);
  }

  /** Records a failed sign-in against the address and the account. */
  failed(address: string, email: string): void {
    this.#addresses.add(address);
    this.#accounts.add(email.trim().toLowerCase());
  }

  /** A successful sign-in clears its address + e-mail attempts (not the address's failures). */
  succeeded(address: string, email: string): void {
    this.#pairs.clear(`${address}|${email.trim().toLowerCase()}`);
  }

  /** Keys held, per kind (for tests of the memory bound). */
  sizes(): { pairs: number; addresses: number; accounts: number } {
    return { pairs: this.#pairs.size, addresses: this.#addresses.size, accounts: this.#accounts.size };
  }
}
