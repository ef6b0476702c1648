import type { Emergency } from '@squelch/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { NodeBroadcast } from '../cluster/NodeBroadcast';

/** One emergency change and the users to tell about it (every node tells its own sessions of those users). */
export interface EmergencyNews {
  emergency: Emergency;
  recipients: string[];
}

const UserSchema = z.object({ userId: z.string(), displayName: z.string() });
const NewsSchema: z.ZodType<EmergencyNews> = z.object({
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
 * Carries emergency changes to every node (a NodeBroadcast on `<prefix>emergency`), because the dispatchers
 * and channel members to alert may be connected to any node. Pub/sub keeps nothing: a session that was not
 * connected when a change went out learns the open emergencies when it authenticates (from the database).
 *
 * Owns its broadcast; close() ends it.
 */
export class EmergencyBus {
  readonly #broadcast: NodeBroadcast<EmergencyNews>;
  readonly #logger: Logger;

  constructor(options: { redisUrl: string | undefined; keyPrefix: string; nodeId: string; logger: Logger }) {
    this.#broadcast = new NodeBroadcast({ ...options, name: 'emergency', schema: NewsSchema });
    this.#logger = options.logger.child({ module: 'emergency-bus' });
  }

  /** Delivers a change to this node's listener and to every other node. */
  publish(news: EmergencyNews): void {
    this.#broadcast.publish(news, (error) => {
      this.#logger.error(
        { err: error, emergencyId: news.emergency.emergencyId, state: news.emergency.state },
        'emergency change not sent to other nodes',
      );
    });
  }

  onNews(listener: (news: EmergencyNews) => void): () => void {
    return this.#broadcast.onMessage(listener);
  }

  /** Idempotent. */
  close(): Promise<void> {
    return this.#broadcast.close();
  }
}
