import { randomBytes } from 'node:crypto';
import { startPostgresServer } from '../../packages/server/test/support/postgresServer';
import type { PostgresServerHandle } from '../../packages/server/test/support/postgresServer';
import { startRedisServer } from '../../packages/server/test/support/redisServer';
import type { RedisServerHandle } from '../../packages/server/test/support/redisServer';
import { startTestServer } from './squelchServer';
import type { TestServer, TestUser } from './squelchServer';

/**
 * How the nodes of a test deployment share floor state: 'redis' runs `nodes` Squelch instances on one real
 * redis-server and one real PostgreSQL database; 'in-process' runs a single instance with the in-process
 * floor store and its own PGlite database.
 */
export type FloorBackend = 'redis' | 'in-process';

export interface ClusterOptions {
  backend: FloorBackend;
  /** Squelch instances; default 2 with Redis. The in-process store allows exactly one. */
  nodes?: number;
  /** Extra configuration for every node (SQUELCH_FLOOR_TTL_MS, SQUELCH_FLOOR_MAX_DURATION_MS, ...). */
  env?: Record<string, string>;
  /** mediasoup workers per node; default 1. */
  workers?: number;
  /** A PostgreSQL server to create the deployment's database in; started (and stopped) here when omitted. */
  postgres?: PostgresServerHandle;
}

export interface Cluster {
  backend: FloorBackend;
  /** The Squelch instances, each with its own port, database pool and Redis connections. */
  nodes: TestServer[];
  /** The shared redis-server ('redis' backend only). */
  redis: RedisServerHandle | undefined;
  /** The node with the given index, wrapping round (so `node(1)` is the only node of a one-node deployment). */
  node(index: number): TestServer;
  createChannels(names: string[]): Promise<{ eventId: string; channels: Record<string, string> }>;
  /** Creates general users assigned to the channels (through the first node; every node sees them). */
  createUsers(names: string[], eventId: string, channelIds: string[]): Promise<TestUser[]>;
  /** Idempotent: stops the nodes, then Redis and the PostgreSQL server if started here. */
  stop(): Promise<void>;
}

/**
 * Starts a deployment for floor tests. Nodes start one after another (the first migrates and seeds the
 * database, the others join it as its administrator) and share one JWT secret, so a token signed by any
 * node is accepted by every node. Everything started here is stopped by `stop()`, also when starting fails.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const count = options.nodes ?? (options.backend === 'redis' ? 2 : 1);
  if (options.backend === 'in-process' && count !== 1) {
    throw new Error('The in-process floor store serves exactly one node');
  }
  const nodes: TestServer[] = [];
  let redis: RedisServerHandle | undefined;
  let ownPostgres: PostgresServerHandle | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const node of nodes.splice(0).reverse()) await node.stop().catch(() => undefined);
      await redis?.stop();
      await ownPostgres?.stop();
    })();
    return stopping;
  };

  try {
    const env: Record<string, string> = {
      SQUELCH_JWT_SECRET: randomBytes(32).toString('base64url'),
      // Floor tests hold the floor with signalling-only bots that send no audio: the silent-holder watch
      // would take it from them. Tests of that watch turn it on.
      SQUELCH_FLOOR_MEDIA_TIMEOUT_MS: '0',
      ...options.env,
    };
    if (options.backend === 'redis') {
      redis = await startRedisServer();
      const postgres = options.postgres ?? (ownPostgres = await startPostgresServer());
      env.REDIS_URL = redis.url;
      env.DATABASE_URL = await postgres.createDatabase();
    }
    for (let index = 0; index < count; index += 1) {
      const first = nodes[0];
      nodes.push(
        await startTestServer({
          env: { ...env, SQUELCH_NODE_ID: `node-${index + 1}` },
          workers: options.workers ?? 1,
          ...(first !== undefined ? { admin: first.admin } : {}),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const first = nodes[0];
  if (first === undefined) throw new Error('no node started');
  return {
    backend: options.backend,
    nodes,
    redis,
    node: (index) => {
      const node = nodes[index % nodes.length];
      if (node === undefined) throw new Error('the cluster is stopped');
      return node;
    },
    createChannels: (names) => first.createChannels(names),
    async createUsers(names, eventId, channelIds) {
      const users: TestUser[] = [];
      for (const name of names) users.push(await first.createUser(name, eventId, channelIds));
      return users;
    },
    stop,
  };
}
