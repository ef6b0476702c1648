import type { Logger } from 'pino';
import { TypedEmitter } from '../util/TypedEmitter';
import { MediaWorker } from './MediaWorker';
import type { OpusPtime } from './opus';

export interface WorkerPoolOptions {
  size: number;
  listenIp: string;
  announcedAddress: string | undefined;
  /** First WebRtcServer port; worker i listens on basePort + i. Undefined: free ports. */
  basePort: number | undefined;
  ptime: OpusPtime;
  logger: Logger;
}

export type WorkerPoolEvents = {
  /** A worker died and has been replaced by a new one at the same index. */
  workerReplaced: [{ dead: MediaWorker; replacement: MediaWorker }];
};

/**
 * The mediasoup workers of this node, one per core. New sessions go to the least loaded worker.
 * A worker that dies is replaced in place; owners of objects on it learn of it through `workerReplaced`.
 */
export class WorkerPool {
  readonly events: TypedEmitter<WorkerPoolEvents>;
  readonly #options: WorkerPoolOptions;
  readonly #workers: MediaWorker[] = [];
  readonly #logger: Logger;
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: 'workers' });
    this.events = new TypedEmitter<WorkerPoolEvents>(this.#logger);
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      for (let index = 0; index < options.size; index += 1) {
        pool.#adopt(await pool.#spawn(index));
      }
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get workers(): readonly MediaWorker[] {
    return this.#workers;
  }

  /** The worker with the fewest client transports. */
  leastLoaded(): MediaWorker {
    let best: MediaWorker | undefined;
    for (const worker of this.#workers) {
      if (worker.closed) continue;
      if (best === undefined || worker.transports < best.transports) best = worker;
    }
    if (best === undefined) throw new Error('No live mediasoup worker');
    return best;
  }

  /** Whether every worker is alive. */
  healthy(): boolean {
    return this.#workers.length === this.#options.size && this.#workers.every((worker) => !worker.closed);
  }

  #spawn(index: number): Promise<MediaWorker> {
    return MediaWorker.create({
      index,
      listenIp: this.#options.listenIp,
      announcedAddress: this.#options.announcedAddress,
      port: this.#options.basePort === undefined ? undefined : this.#options.basePort + index,
      ptime: this.#options.ptime,
      logger: this.#options.logger,
    });
  }

  #adopt(worker: MediaWorker): void {
    this.#workers[worker.index] = worker;
    worker.events.on('died', () => {
      void this.#replace(worker);
    });
  }

  async #replace(dead: MediaWorker): Promise<void> {
    if (this.#closed) return;
    for (let attempt = 1; !this.#closed; attempt += 1) {
      try {
        const replacement = await this.#spawn(dead.index);
        if (this.#closed) {
          replacement.close();
          return;
        }
        this.#adopt(replacement);
        this.#logger.warn({ index: dead.index, attempt }, 'replaced dead mediasoup worker');
        this.events.emit('workerReplaced', { dead, replacement });
        return;
      } catch (error) {
        this.#logger.error({ err: error, index: dead.index, attempt }, 'could not replace mediasoup worker');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * attempt)));
      }
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#workers) worker.close();
    this.#workers.length = 0;
    this.events.removeAllListeners();
  }
}
