import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TransmissionStore } from './TransmissionStore';

export interface RetentionSweeperOptions {
  directory: string;
  store: TransmissionStore;
  intervalMs: number;
  logger: Logger;
}

const BATCH = 500;

/**
 * Deletes recordings older than their event's retention: the file first, then its row, so an interrupted
 * sweep leaves at most a row whose file is gone (the next sweep removes it), never an orphaned file. Every
 * node may sweep: removing a missing file is not an error.
 *
 * Ownership: owns its timer; close() stops it and waits for a sweep in progress (idempotent).
 */
export class RetentionSweeper {
  readonly #options: RetentionSweeperOptions;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<number> | undefined;
  #closed = false;

  constructor(options: RetentionSweeperOptions) {
    this.#options = options;
    this.#timer = setInterval(() => {
      this.sweep().catch((error: unknown) => options.logger.error({ err: error }, 'retention sweep failed'));
    }, options.intervalMs);
    this.#timer.unref();
  }

  /** Removes every expired recording now; returns how many. */
  sweep(now: Date = new Date()): Promise<number> {
    this.#running ??= this.#sweep(now).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweep(now: Date): Promise<number> {
    let removed = 0;
    while (!this.#closed) {
      const expired = await this.#options.store.expired(now, BATCH);
      if (expired.length === 0) break;
      for (const record of expired)
        await fs.rm(path.join(this.#options.directory, record.file), { force: true });
      await this.#options.store.delete(expired.map((record) => record.id));
      removed += expired.length;
      if (expired.length < BATCH) break;
    }
    if (removed > 0) this.#options.logger.info({ removed }, 'expired recordings removed');
    return removed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
