import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { TypedEmitter } from '../util/TypedEmitter';

/** What a node announces about itself. */
export interface NodeInfo {
  id: string;
  /** Where clients reach this node (HTTPS origin); failover candidates for the web app. */
  url: string;
  startedAt: number;
}

const NodeInfoSchema = z.object({ id: z.string().min(1), url: z.string().min(1), startedAt: z.number() });

export interface NodeRegistryOptions {
  /** Redis to register in; none: a single-node registry that only knows this node. */
  redisUrl: string | undefined;
  keyPrefix: string;
  self: NodeInfo;
  /** A node missing its heartbeats this long is dead. */
  ttlMs: number;
  /** How often this node renews its entry and re-reads the others'. Must be well under ttlMs. */
  heartbeatMs: number;
  logger: Logger;
}

export type NodeRegistryEvents = {
  /** A node joined (or came back). */
  nodeUp: [node: NodeInfo];
  /** A node left gracefully or stopped heartbeating (crashed, stalled, cut off). */
  nodeDown: [nodeId: string];
};

/**
 * The live server nodes, kept in Redis: each node writes `<prefix>node:<id>` (its NodeInfo, expiring after
 * ttlMs) and its expiry time into the sorted set `<prefix>nodes`, renewing both every heartbeatMs. Each
 * heartbeat also drops expired members and re-reads the set, so every node learns of a death within
 * ttlMs + heartbeatMs and announces it (`nodeDown`). close() removes this node's entry at once, so a graceful
 * stop is seen on the others' next heartbeat.
 *
 * Owns one Redis connection and one timer; close() ends both and is idempotent.
 */
export class NodeRegistry extends TypedEmitter<NodeRegistryEvents> {
  readonly #options: NodeRegistryOptions;
  readonly #log: Logger;
  readonly #redis: Redis | undefined;
  #known = new Map<string, NodeInfo>();
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #closed = false;

  private constructor(options: NodeRegistryOptions) {
    super(options.logger);
    this.#options = options;
    this.#log = options.logger.child({ module: 'nodeRegistry', nodeId: options.self.id });
    this.#known.set(options.self.id, options.self);
    if (options.redisUrl !== undefined) {
      this.#redis = new Redis(options.redisUrl, {
        connectionName: 'squelch-nodes',
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: Math.max(200, Math.floor(options.heartbeatMs / 2)),
        disconnectTimeout: 500,
        retryStrategy: (attempt) => Math.min(options.heartbeatMs, 100 * 2 ** Math.min(attempt - 1, 6)),
      });
      this.#redis.on('error', (error: Error) => this.#log.debug({ err: error }, 'node registry Redis error'));
    }
  }

  /** Registers this node (first heartbeat awaited when Redis is reachable) and starts heartbeating. */
  static async start(options: NodeRegistryOptions): Promise<NodeRegistry> {
    if (options.heartbeatMs * 2 > options.ttlMs) {
      throw new Error('the node heartbeat must be at most half the node TTL');
    }
    const registry = new NodeRegistry(options);
    if (registry.#redis !== undefined) {
      await waitReady(registry.#redis, options.ttlMs).catch((error: unknown) =>
        registry.#log.warn({ err: error }, 'Redis not reachable yet; the node registers once it is'),
      );
      await registry.#beat();
    }
    registry.#schedule();
    return registry;
  }

  get selfId(): string {
    return this.#options.self.id;
  }

  /** The live nodes as last read (this node always included), ordered by id. */
  nodes(): NodeInfo[] {
    return [...this.#known.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  isAlive(nodeId: string): boolean {
    return this.#known.has(nodeId);
  }

  /** Deregisters this node (best effort: Redis may be gone) and stops heartbeating. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#beating;
    const redis = this.#redis;
    if (redis === undefined) return;
    if (redis.status === 'ready') {
      const { keyPrefix, self } = this.#options;
      await redis
        .multi()
        .del(`${keyPrefix}node:${self.id}`)
        .zrem(`${keyPrefix}nodes`, self.id)
        .exec()
        .catch((error: unknown) => this.#log.warn({ err: error }, 'could not deregister this node'));
    }
    redis.disconnect();
  }

  #schedule(): void {
    if (this.#closed || this.#redis === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#beating = this.#beat().finally(() => {
        this.#beating = undefined;
        this.#schedule();
      });
    }, this.#options.heartbeatMs);
  }

  async #beat(): Promise<void> {
    const redis = this.#redis;
    if (redis === undefined || this.#closed || redis.status !== 'ready') return;
    const { keyPrefix, self, ttlMs } = this.#options;
    const setKey = `${keyPrefix}nodes`;
    try {
      const now = Date.now();
      await redis
        .multi()
        .set(`${keyPrefix}node:${self.id}`, JSON.stringify(self), 'PX', ttlMs)
        .zadd(setKey, now + ttlMs, self.id)
        .zremrangebyscore(setKey, '-inf', now)
        .exec();
      const ids = await redis.zrange(setKey, 0, -1);
      const values = ids.length === 0 ? [] : await redis.mget(ids.map((id) => `${keyPrefix}node:${id}`));
      const live = new Map<string, NodeInfo>([[self.id, self]]);
      values.forEach((value) => {
        if (value === null) return;
        const parsed = NodeInfoSchema.safeParse(safeJson(value));
        if (parsed.success) live.set(parsed.data.id, parsed.data);
      });
      if (this.#closed) return;
      this.#update(live);
    } catch (error) {
      this.#log.warn({ err: error }, 'node heartbeat failed');
    }
  }

  #update(live: Map<string, NodeInfo>): void {
    const before = this.#known;
    this.#known = live;
    for (const [id, node] of live) {
      if (!before.has(id)) {
        this.#log.info({ peer: id, url: node.url }, 'node up');
        this.emit('nodeUp', node);
      }
    }
    for (const id of before.keys()) {
      if (!live.has(id)) {
        this.#log.warn({ peer: id }, 'node down');
        this.emit('nodeDown', id);
      }
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function waitReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
