import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AccessRemoved } from '../signalling/AccessPolicy';
import { TypedEmitter } from '../util/TypedEmitter';

const MessageSchema = z.object({
  origin: z.string(),
  change: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('channel'), userId: z.string(), channelId: z.string(), reason: z.string() }),
    z.object({ kind: z.literal('user'), userId: z.string(), reason: z.string() }),
  ]),
});

/**
 * Carries access removals (a user unassigned from a channel, a user disabled) to every node, because the
 * sessions of that user may live on any node. Without Redis there is one node and the bus is local.
 * With Redis, a change published here is delivered to this node's listeners at once and to the other nodes
 * through pub/sub; a node ignores its own messages coming back. Messages published while this node's
 * subscriber was disconnected are lost (pub/sub keeps nothing): when it is subscribed again, `reconnected`
 * tells listeners to re-check what they hold against the database.
 *
 * Owns its two Redis connections; close() ends them.
 */
export class AccessBus {
  readonly #events: TypedEmitter<{ removed: [AccessRemoved]; reconnected: [] }>;
  readonly #nodeId: string;
  readonly #channel: string;
  readonly #logger: Logger;
  readonly #publisher: Redis | undefined;
  readonly #subscriber: Redis | undefined;

  constructor(options: { redisUrl: string | undefined; keyPrefix: string; nodeId: string; logger: Logger }) {
    this.#nodeId = options.nodeId;
    this.#channel = `${options.keyPrefix}access-removed`;
    this.#logger = options.logger.child({ module: 'access-bus' });
    this.#events = new TypedEmitter(this.#logger);
    if (options.redisUrl === undefined) return;
    const redisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3000 };
    this.#publisher = new Redis(options.redisUrl, redisOptions);
    this.#subscriber = new Redis(options.redisUrl, { ...redisOptions, enableOfflineQueue: true });
    for (const connection of [this.#publisher, this.#subscriber]) {
      connection.on('error', (error: Error) =>
        this.#logger.debug({ err: error }, 'access bus connection error'),
      );
    }
    this.#subscriber.on('message', (_channel: string, text: string) => this.#receive(text));
    const subscriber = this.#subscriber;
    let connections = 0;
    subscriber.on('ready', () => {
      connections += 1;
      if (connections === 1) return;
      // Subscribed again (ioredis also resubscribes by itself; this one is awaited), then catch up.
      subscriber.subscribe(this.#channel).then(
        () => {
          this.#logger.info('access bus reconnected; removals sent meanwhile may be lost');
          this.#events.emit('reconnected');
        },
        (error: unknown) => this.#logger.warn({ err: error }, 'access bus could not subscribe again'),
      );
    });
    void subscriber.subscribe(this.#channel).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'access bus could not subscribe');
    });
  }

  /** Delivers a removal to this node's listeners and to every other node. */
  publish(change: AccessRemoved): void {
    this.#events.emit('removed', change);
    this.#publisher
      ?.publish(this.#channel, JSON.stringify({ origin: this.#nodeId, change }))
      .catch((error: unknown) => {
        // Other nodes still catch up: every node re-checks its sessions' channels periodically.
        this.#logger.warn({ err: error, change }, 'access removal not sent to other nodes');
      });
  }

  onRemoved(listener: (change: AccessRemoved) => void): () => void {
    this.#events.on('removed', listener);
    return () => this.#events.off('removed', listener);
  }

  /** Subscribes to "the subscriber was disconnected and is subscribed again"; returns the unsubscribe function. */
  onReconnected(listener: () => void): () => void {
    this.#events.on('reconnected', listener);
    return () => this.#events.off('reconnected', listener);
  }

  #receive(text: string): void {
    let parsed;
    try {
      parsed = MessageSchema.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success || parsed.data.origin === this.#nodeId) return;
    this.#events.emit('removed', parsed.data.change);
  }

  async close(): Promise<void> {
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
