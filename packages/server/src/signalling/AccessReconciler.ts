import type { Logger } from 'pino';

/**
 * Runs the reconciliation of sessions' channels against the database every `intervalMs`, and at once when
 * asked (the access bus reconnected). Runs never overlap: a request during a run starts one more run after
 * it. A failed run (database unreachable) is logged and changes nothing; the next one tries again.
 *
 * Owned by the signalling server; close() stops the timer and waits for a run in progress.
 */
export class AccessReconciler {
  readonly #run: () => Promise<void>;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(options: { intervalMs: number; run: () => Promise<void>; logger: Logger }) {
    this.#run = options.run;
    this.#logger = options.logger;
    this.#timer = setInterval(() => this.trigger('periodic'), options.intervalMs);
    this.#timer.unref();
  }

  /** Starts a run now (or right after the one in progress). */
  trigger(reason: string): void {
    if (this.#closed) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop(reason);
  }

  async #loop(reason: string): Promise<void> {
    let why = reason;
    for (;;) {
      this.#again = false;
      const started = performance.now();
      try {
        await this.#run();
        this.#logger.debug({ reason: why, ms: Math.round(performance.now() - started) }, 'access reconciled');
      } catch (error) {
        this.#logger.warn({ err: error, reason: why }, 'access reconciliation failed; keeping what is known');
      }
      if (!this.#again || this.#closed) break;
      why = 'requested during a run';
    }
    this.#running = undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
  }
}
