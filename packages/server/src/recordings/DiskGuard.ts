import fs from 'node:fs/promises';
import type { Logger } from 'pino';

export interface DiskGuardOptions {
  directory: string;
  /** Recording pauses while less than this is free on the directory's file system. */
  minFreeBytes: number;
  checkIntervalMs: number;
  logger: Logger;
}

/**
 * Watches the free space of the recordings directory's file system. Below the threshold (or after a write
 * failed for lack of space) recording pauses until space is back; live audio never depends on it.
 *
 * Ownership: owns its timer; close() stops it (idempotent).
 */
export class DiskGuard {
  readonly #options: DiskGuardOptions;
  readonly #timer: NodeJS.Timeout;
  #paused = false;
  #freeBytes: number | undefined;
  #closed = false;

  constructor(options: DiskGuardOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.check(), options.checkIntervalMs);
    this.#timer.unref();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** A sentence for /readyz and the log while paused; undefined while recording. */
  get notice(): string | undefined {
    if (!this.#paused) return undefined;
    const free = this.#freeBytes === undefined ? 'unknown' : `${Math.floor(this.#freeBytes / 1_048_576)} MB`;
    const needed = Math.ceil(this.#options.minFreeBytes / 1_048_576);
    return `Recording paused: the recordings disk is nearly full (${free} free, ${needed} MB needed).`;
  }

  /** Measures the free space now and pauses or resumes accordingly. */
  async check(): Promise<boolean> {
    if (this.#closed) return this.#paused;
    try {
      const stats = await fs.statfs(this.#options.directory);
      this.#freeBytes = stats.bavail * stats.bsize;
      this.#set(this.#freeBytes < this.#options.minFreeBytes);
    } catch (error) {
      this.#options.logger.error(
        { err: error, directory: this.#options.directory },
        'recordings disk unreadable',
      );
      this.#set(true);
    }
    return this.#paused;
  }

  /** A write failed for lack of space: pause at once (the next check resumes when space is back). */
  reportFull(): void {
    this.#freeBytes = 0;
    this.#set(true);
  }

  #set(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#paused = paused;
    if (paused) this.#options.logger.warn({ freeBytes: this.#freeBytes }, this.notice);
    else this.#options.logger.info({ freeBytes: this.#freeBytes }, 'Recording resumed: disk space is back.');
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }
}
