import pino from 'pino';
import { ControlPlane } from '../../packages/server/src/controlplane/ControlPlane';
import type { Actor } from '../../packages/server/src/controlplane/types';
import { freePort } from '../../packages/server/test/support/freePort';
import { startPostgresServer } from '../../packages/server/test/support/postgresServer';
import type { PostgresServerHandle } from '../../packages/server/test/support/postgresServer';
import { startRedisServer } from '../../packages/server/test/support/redisServer';
import type { RedisServerHandle } from '../../packages/server/test/support/redisServer';
import { startNodeProcess } from './floorNodeProcess';
import type { NodeProcess } from './floorNodeProcess';

const HASHING = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'node-cluster-password';

export interface NodeClusterOptions {
  /** Node ids, one process each (started in this order; the first migrates the database). */
  nodeIds: string[];
  /** Channels to create in one event and team. */
  channels: string[];
  /** People (general users) and the channels each is assigned to. */
  people: Record<string, string[]>;
  /** Extra configuration for every node. */
  env?: Record<string, string>;
}

export interface NodeCluster {
  nodes: NodeProcess[];
  /** Channel ids by name. */
  channels: Record<string, string>;
  /** An access token per person. */
  tokens: Record<string, string>;
  /** Each node's signalling URL. */
  wss: string[];
  /** The shared redis-server. */
  redisUrl: string;
  /** Idempotent: stops the nodes, Redis and PostgreSQL. */
  stop(): Promise<void>;
}

/**
 * Real Squelch node processes on one redis-server and one PostgreSQL, with an event, its channels and people
 * made directly in the database. Every node allows every node's origin, so a page loaded from one node may
 * open its socket on another.
 */
export async function startNodeCluster(options: NodeClusterOptions): Promise<NodeCluster> {
  let postgres: PostgresServerHandle | undefined;
  let redis: RedisServerHandle | undefined;
  let controlPlane: ControlPlane | undefined;
  const nodes: NodeProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const node of nodes) await node.stop('SIGKILL').catch(() => undefined);
      await controlPlane?.close();
      await redis?.stop();
      await postgres?.stop();
    })();
    return stopping;
  };
  try {
    postgres = await startPostgresServer();
    redis = await startRedisServer();
    const databaseUrl = await postgres.createDatabase();
    const jwtSecret = `node-cluster-${Math.random().toString(36).slice(2)}-secret-secret-secret`;
    controlPlane = await ControlPlane.open({
      database: { kind: 'postgres', url: databaseUrl },
      auth: { jwtSecret, passwordHashing: HASHING },
      logger: pino({ level: 'warn' }),
    });
    const accounts = await controlPlane.seedDemoIfEmpty();
    const admin = accounts?.find((account) => account.role === 'admin');
    if (admin === undefined) throw new Error('no admin seeded');
    const { auth, events, teams, channels, users, memberships, assignments } = controlPlane.services;
    const adminSession = await auth.login(admin.email, admin.password, '127.0.0.1');
    const actor: Actor = {
      userId: adminSession.user.id,
      displayName: adminSession.user.displayName,
      isAdmin: true,
    };
    const event = await events.create(actor, { name: 'Cluster' });
    const team = await teams.create(actor, event.id, 'Operations');
    const channelIds: Record<string, string> = {};
    for (const name of options.channels) channelIds[name] = (await channels.create(actor, team.id, name)).id;
    const tokens: Record<string, string> = {};
    for (const [name, assigned] of Object.entries(options.people)) {
      const email = `${name.toLowerCase()}@cluster.test`;
      const user = await users.create(actor, { email, displayName: name, password: PASSWORD });
      await memberships.setRole(actor, event.id, user.id, 'general');
      for (const channel of assigned) await assignments.assign(actor, channelIds[channel]!, user.id);
      tokens[name] = (await auth.login(email, PASSWORD, '127.0.0.1')).accessToken;
    }
    const ports: number[] = [];
    for (let index = 0; index < options.nodeIds.length; index += 1) ports.push(await freePort());
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      SQUELCH_JWT_SECRET: jwtSecret,
      SQUELCH_ALLOWED_ORIGINS: ports.map((port) => `https://127.0.0.1:${port}`).join(','),
      SQUELCH_PIPE_LISTEN_IP: '127.0.0.1',
      ...options.env,
    };
    for (const [index, id] of options.nodeIds.entries()) {
      nodes.push(
        await startNodeProcess({ env: { ...env, SQUELCH_NODE_ID: id, SQUELCH_PORT: String(ports[index]) } }),
      );
    }
    return {
      nodes,
      channels: channelIds,
      tokens,
      wss: nodes.map((node) => `${node.url.replace('https://', 'wss://')}/ws`),
      redisUrl: redis.url,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
