import type { Emergency } from '@squelch/protocol';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { TypedEmitter } from '../util/TypedEmitter';

/** One emergency change and the users to tell about it (every node tells its own sessions of those users). */
export interface EmergencyNews {
  emergency: Emergency;
  recipients: string[];
}

const UserSchema = z.object({ userId: z.string(), displayName: z.string() });
const NewsSchema = z.object({
  origin: z.string(),
  emergency: z.object({
    emergencyId: z.string(),
    eventId: z.string(),
    channelId: z.string(),
    channelName: z.string(),
    state: z.enum(['raised', 'acknowledged', 'cleared', 'cancelled']),
    raisedBy: UserSchema,
    raisedAt: z.number(),
    acknowledgedBy: UserSchema.optional(),
    acknowledgedAt: z.number().optional(),
    endedBy: UserSchema.optional(),
    endedAt: z.number().optional(),
  }),
  recipients: z.array(z.string()).max(100_000),
});

/**
 * Carries emergency changes to every node (Redis pub/sub, channel `<prefix>emergency`), because the
 * dispatchers and channel members to alert may be connected to any node. A change is delivered to this
 * node's listener at once and to the other nodes through Redis; a node ignores its own messages coming back.
 * Without Redis there is one node and the bus is local. Pub/sub keeps nothing: a session that was not
 * connected when a change went out learns the open emergencies when it authenticates (from the database).
 *
 * Owns its two Redis connections; close() ends them.
 */
export class EmergencyBus {
  readonly #events: TypedEmitter<{ news: [EmergencyNews] }>;
  readonly #nodeId: string;
  readonly #channel: string;
  readonly #logger: Logger;
  readonly #publisher: Redis | undefined;
  readonly #subscriber: Redis | undefined;
  #closed = false;

  constructor(options: { redisUrl: string | undefined; keyPrefix: string; nodeId: string; logger: Logger }) {
    this.#nodeId = options.nodeId;
    this.#channel = `${options.keyPrefix}emergency`;
    this.#logger = options.logger.child({ module: 'emergency-bus' });
    this.#events = new TypedEmitter(this.#logger);
    if (options.redisUrl === undefined) return;
    const redisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3000 };
    this.#publisher = new Redis(options.redisUrl, redisOptions);
    this.#subscriber = new Redis(options.redisUrl, { ...redisOptions, enableOfflineQueue: true });
    for (const connection of [this.#publisher, this.#subscriber]) {
      connection.on('error', (error: Error) =>
        this.#logger.debug({ err: error }, 'emergency bus connection error'),
      );
    }
    this.#subscriber.on('message', (_channel: string, text: string) => this.#receive(text));
    void this.#subscriber.subscribe(this.#channel).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'emergency bus could not subscribe');
    });
  }

  /** Delivers a change to this node's listener and to every other node. */
  publish(news: EmergencyNews): void {
    if (this.#closed) return;
    this.#events.emit('news', news);
    this.#publisher
      ?.publish(this.#channel, JSON.stringify({ origin: this.#nodeId, ...news }))
      .catch((error: unknown) => {
        this.#logger.error(
          { err: error, emergencyId: news.emergency.emergencyId, state: news.emergency.state },
          'emergency change not sent to other nodes',
        );
      });
  }

  onNews(listener: (news: EmergencyNews) => void): () => void {
    this.#events.on('news', listener);
    return () => this.#events.off('news', listener);
  }

  #receive(text: string): void {
    let parsed;
    try {
      parsed = NewsSchema.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) {
      this.#logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'malformed emergency message ignored');
      return;
    }
    if (parsed.data.origin === this.#nodeId) return;
    const { emergency, recipients } = parsed.data;
    this.#events.emit('news', { emergency, recipients });
  }

  /** Idempotent. */
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
