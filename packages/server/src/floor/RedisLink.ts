import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { FloorStoreHealth } from './FloorStore';

export interface RedisLinkOptions {
  url: string;
  logger: Logger;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxReconnectDelayMs: number;
  /** Runs each time both connections are (again) ready; the link is 'up' once it resolves. */
  catchUp: () => Promise<void>;
  onHealth: (health: FloorStoreHealth) => void;
}

/** Waits this long before catching up again after a failed attempt on live connections. */
const CATCH_UP_RETRY_MS = 1000;

/**
 * A command connection and a subscriber connection to one Redis, with their joint health. Both reconnect by
 * themselves (with capped, jittered back-off); the link is 'up' only when both are ready and the owner's
 * catch-up has completed since the last disconnection, and reports every change through `onHealth`.
 *
 * Commands never wait for a connection: there is no offline queue, commands in flight when a connection
 * drops are rejected (not resent: an acquire must not run twice), and each has a timeout.
 */
export class RedisLink {
  readonly command: Redis;
  readonly subscriber: Redis;
  readonly #options: RedisLinkOptions;
  readonly #log: Logger;
  #up = false;
  #catchingUp = false;
  /** Bumped on every disconnection, so a catch-up that straddles one is not taken as success. */
  #epoch = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #errorLogged = false;
  #closed = false;

  constructor(options: RedisLinkOptions) {
    this.#options = options;
    this.#log = options.logger;
    const { maxReconnectDelayMs } = options;
    const connection: RedisOptions = {
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Bounds how long a closed link's socket may linger (and keep the process alive).
      disconnectTimeout: 500,
      retryStrategy: (attempt) =>
        Math.min(maxReconnectDelayMs, 100 * 2 ** Math.min(attempt - 1, 6)) + Math.random() * 100,
    };
    this.command = new Redis(options.url, { ...connection, connectionName: 'squelch-floor' });
    this.subscriber = new Redis(options.url, { ...connection, connectionName: 'squelch-floor-events' });
    for (const redis of [this.command, this.subscriber]) {
      redis.on('ready', () => this.#catchUpIfReady());
      redis.on('close', () => this.#markDown());
      redis.on('error', (error: Error) => this.#logError(error));
    }
  }

  isUp(): boolean {
    return this.#up;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The database number of the URL (for keyspace notification channels). */
  get db(): number {
    return this.command.options.db ?? 0;
  }

  /** Closes both connections without waiting for Redis, which may be gone. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#up = false;
    clearTimeout(this.#retryTimer);
    await Promise.all([disconnect(this.command), disconnect(this.subscriber)]);
  }

  #markDown(): void {
    this.#epoch += 1;
    if (this.#closed || !this.#up) return;
    this.#up = false;
    this.#log.warn('lost the connection to Redis; floor requests fail until it is back');
    this.#options.onHealth('down');
  }

  #catchUpIfReady(): void {
    if (this.#closed || this.#up || this.#catchingUp) return;
    if (this.command.status !== 'ready' || this.subscriber.status !== 'ready') return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#catchingUp = true;
    const epoch = this.#epoch;
    this.#options.catchUp().then(
      () => this.#caughtUp(epoch, undefined),
      (error: unknown) => this.#caughtUp(epoch, error ?? new Error('catch-up failed')),
    );
  }

  #caughtUp(epoch: number, error: unknown): void {
    this.#catchingUp = false;
    if (this.#closed) return;
    if (epoch !== this.#epoch) {
      // A connection dropped meanwhile: start again once both are ready.
      this.#catchUpIfReady();
      return;
    }
    if (error !== undefined) {
      this.#log.warn({ err: error }, 'could not catch up with Redis; retrying');
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#catchUpIfReady();
      }, CATCH_UP_RETRY_MS);
      return;
    }
    this.#up = true;
    this.#errorLogged = false;
    this.#options.onHealth('up');
  }

  #logError(error: Error): void {
    if (this.#closed) return;
    if (this.#errorLogged) {
      this.#log.debug({ err: error }, 'Redis connection error');
      return;
    }
    this.#errorLogged = true;
    this.#log.warn({ err: error }, 'Redis connection error; reconnecting');
  }
}

/** Closes a connection; resolves once its socket is closed (or at once when it has none). */
async function disconnect(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status === 'reconnecting' || connection.status === 'close') {
    // No socket: cancelling the pending reconnection is all there is to do.
    connection.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    connection.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  connection.disconnect();
  await ended;
}
