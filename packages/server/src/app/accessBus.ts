import type { Logger } from 'pino';
import { z } from 'zod';
import { NodeBroadcast } from '../cluster/NodeBroadcast';
import type { AccessRemoved } from '../signalling/AccessPolicy';

const RemovalSchema: z.ZodType<AccessRemoved> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('channel'), userId: z.string(), channelId: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('user'), userId: z.string(), reason: z.string() }),
]);

/**
 * Carries access removals (a user unassigned from a channel, a user disabled) to every node, because the
 * sessions of that user may live on any node (a NodeBroadcast on `<prefix>access-removed`). Removals published
 * while this node's subscriber was disconnected are lost: `reconnected` tells listeners to re-check what they
 * hold against the database.
 *
 * Owns its broadcast; close() ends it.
 */
export class AccessBus {
  readonly #broadcast: NodeBroadcast<AccessRemoved>;
  readonly #logger: Logger;

  constructor(options: { redisUrl: string | undefined; keyPrefix: string; nodeId: string; logger: Logger }) {
    this.#broadcast = new NodeBroadcast({ ...options, name: 'access-removed', schema: RemovalSchema });
    this.#logger = options.logger.child({ module: 'access-bus' });
  }

  /** Delivers a removal to this node's listeners and to every other node. */
  publish(change: AccessRemoved): void {
    this.#broadcast.publish(change, (error) => {
      // Other nodes still catch up: every node re-checks its sessions' channels periodically.
      this.#logger.warn({ err: error, change }, 'access removal not sent to other nodes');
    });
  }

  onRemoved(listener: (change: AccessRemoved) => void): () => void {
    return this.#broadcast.onMessage(listener);
  }

  /** Subscribes to "the subscriber was disconnected and is subscribed again"; returns the unsubscribe function. */
  onReconnected(listener: () => void): () => void {
    return this.#broadcast.onReconnected(listener);
  }

  close(): Promise<void> {
    return this.#broadcast.close();
  }
}
