import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { TypedEmitter } from '../util/TypedEmitter';

export interface NodeBroadcastOptions<T> {
  /** Without Redis there is one node and the broadcast is local. */
  redisUrl: string | undefined;
  keyPrefix: string;
  /** The pub/sub channel is `<keyPrefix><name>`; the name also names the log module (`<name>-bus`). */
  name: string;
  nodeId: string;
  /** What a message must look like; anything else that arrives is logged and dropped. */
  schema: z.ZodType<T>;
  logger: Logger;
}

const EnvelopeSchema = z.object({ origin: z.string(), message: z.unknown() });

/**
 * One kind of message broadcast to every node over a Redis pub/sub channel. A published message is delivered
 * to this node's listeners at once and to the other nodes through Redis; a node ignores its own messages
 * coming back. Pub/sub keeps nothing: messages published while this node's subscriber was disconnected are
 * lost, so when it is subscribed again `reconnected` tells listeners to catch up from where the truth is kept.
 *
 * Owns its two Redis connections (one publishing, one subscribed); close() ends them. Idempotent.
 */
export class NodeBroadcast<T> {
  readonly #events: TypedEmitter<{ message: [T]; reconnected: [] }>;
  readonly #options: NodeBroadcastOptions<T>;
  readonly #channel: string;
  readonly #logger: Logger;
  readonly #publisher: Redis | undefined;
  readonly #subscriber: Redis | undefined;
  #closed = false;

  constructor(options: NodeBroadcastOptions<T>) {
    this.#options = options;
    this.#channel = `${options.keyPrefix}${options.name}`;
    this.#logger = options.logger.child({ module: `${options.name}-bus` });
    this.#events = new TypedEmitter(this.#logger);
    if (options.redisUrl === undefined) return;
    const redisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3000 };
    this.#publisher = new Redis(options.redisUrl, redisOptions);
    this.#subscriber = new Redis(options.redisUrl, { ...redisOptions, enableOfflineQueue: true });
    for (const connection of [this.#publisher, this.#subscriber]) {
      connection.on('error', (error: Error) => this.#logger.debug({ err: error }, 'bus connection error'));
    }
    const subscriber = this.#subscriber;
    subscriber.on('message', (_channel: string, text: string) => this.#receive(text));
    let connections = 0;
    subscriber.on('ready', () => {
      connections += 1;
      if (connections === 1 || this.#closed) return;
      // Subscribed again (ioredis also resubscribes by itself; this one is awaited), then catch up.
      subscriber.subscribe(this.#channel).then(
        () => {
          this.#logger.info('bus reconnected; messages sent meanwhile may be lost');
          this.#events.emit('reconnected');
        },
        (error: unknown) => this.#logger.warn({ err: error }, 'bus could not subscribe again'),
      );
    });
    void subscriber.subscribe(this.#channel).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'bus could not subscribe');
    });
  }

  /**
   * Delivers a message to this node's listeners and to every other node. `onFailure` is told when it could
   * not be sent to the other nodes (Redis unreachable); this node's listeners have it either way.
   */
  publish(message: T, onFailure?: (error: unknown) => void): void {
    if (this.#closed) return;
    this.#events.emit('message', message);
    this.#publisher
      ?.publish(this.#channel, JSON.stringify({ origin: this.#options.nodeId, message }))
      .catch((error: unknown) => onFailure?.(error));
  }

  /** Subscribes to messages (this node's and the others'); returns the unsubscribe function. */
  onMessage(listener: (message: T) => void): () => void {
    this.#events.on('message', listener);
    return () => this.#events.off('message', listener);
  }

  /** Subscribes to "the subscriber was disconnected and is subscribed again"; returns the unsubscribe function. */
  onReconnected(listener: () => void): () => void {
    this.#events.on('reconnected', listener);
    return () => this.#events.off('reconnected', listener);
  }

  #receive(text: string): void {
    let envelope;
    try {
      envelope = EnvelopeSchema.safeParse(JSON.parse(text));
    } catch {
      envelope = undefined;
    }
    if (envelope?.success !== true) {
      this.#logger.warn('malformed bus message ignored');
      return;
    }
    if (envelope.data.origin === this.#options.nodeId) return;
    const message = this.#options.schema.safeParse(envelope.data.message);
    if (!message.success) {
      this.#logger.warn({ issues: message.error.issues.slice(0, 3) }, 'malformed bus message ignored');
      return;
    }
    this.#events.emit('message', message.data);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.removeAllListeners();
    await Promise.all(
      [this.#publisher, this.#subscriber].map(async (connection) => {
        if (connection === undefined) return;
        try {
          await connection.quit();
        } catch {
          connection.disconnect();
        }
      }),
    );
  }
}
