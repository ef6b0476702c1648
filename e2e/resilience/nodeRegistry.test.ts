import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer } from '../../packages/server/test/support/postgresServer';
import type { PostgresServerHandle } from '../../packages/server/test/support/postgresServer';
import { startRedisServer } from '../../packages/server/test/support/redisServer';
import type { RedisServerHandle } from '../../packages/server/test/support/redisServer';
import { httpsGet } from '../support/httpsGet';
import { startNodeProcess } from '../support/floorNodeProcess';
import type { NodeProcess } from '../support/floorNodeProcess';

const JWT_SECRET = 'node-registry-secret-node-registry-secret';
/** The bound: the other nodes notice a dead node within this long. */
const DEATH_NOTICED_MS = 5000;

interface NodesAnswer {
  self: string;
  nodes: { id: string; url: string }[];
}

async function nodesSeenBy(node: NodeProcess): Promise<NodesAnswer> {
  const answer = await httpsGet(`${node.url}/cluster/nodes`);
  expect(answer.status).toBe(200);
  return JSON.parse(answer.text) as NodesAnswer;
}

/** Polls every 100 ms until every node in `observers` lists exactly `ids`; resolves with the time taken. */
async function untilListed(observers: NodeProcess[], ids: string[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const seen = await Promise.all(observers.map(nodesSeenBy));
    if (seen.every((answer) => answer.nodes.map((node) => node.id).join() === ids.join())) {
      return Date.now() - started;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`nodes still seen after ${timeoutMs} ms: ${JSON.stringify(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Three real Squelch server processes on one Redis and one PostgreSQL: each lists the live nodes at
 * /cluster/nodes (what the web app fails over to); a node killed with SIGKILL disappears from the others'
 * lists within 5 s, one stopped gracefully at its neighbours' next heartbeat.
 */
describe('the node registry (three node processes)', () => {
  let postgres: PostgresServerHandle | undefined;
  let redis: RedisServerHandle | undefined;
  const nodes: Record<string, NodeProcess> = {};

  beforeAll(async () => {
    postgres = await startPostgresServer();
    redis = await startRedisServer();
    const env = {
      DATABASE_URL: await postgres.createDatabase(),
      REDIS_URL: redis.url,
      SQUELCH_JWT_SECRET: JWT_SECRET,
    };
    // One after another: the first migrates the database.
    for (const id of ['node-a', 'node-b', 'node-c']) {
      nodes[id] = await startNodeProcess({ env: { ...env, SQUELCH_NODE_ID: id } });
    }
  });

  afterAll(async () => {
    for (const node of Object.values(nodes)) await node.stop('SIGKILL');
    await redis?.stop();
    await postgres?.stop();
  });

  it('lists every live node with the URL clients reach it at, on every node', async () => {
    const all = Object.values(nodes);
    await untilListed(all, ['node-a', 'node-b', 'node-c'], DEATH_NOTICED_MS);
    for (const [id, node] of Object.entries(nodes)) {
      const answer = await nodesSeenBy(node);
      expect(answer.self).toBe(id);
      expect(answer.nodes).toEqual([
        { id: 'node-a', url: nodes['node-a']!.url },
        { id: 'node-b', url: nodes['node-b']!.url },
        { id: 'node-c', url: nodes['node-c']!.url },
      ]);
    }
  });

  it('drops a node killed with SIGKILL from the others within 5 s', async () => {
    const killedAt = Date.now();
    expect(await nodes['node-b']!.stop('SIGKILL')).toBeNull();
    const survivors = [nodes['node-a']!, nodes['node-c']!];
    await untilListed(survivors, ['node-a', 'node-c'], DEATH_NOTICED_MS + 5000);
    const noticedMs = Date.now() - killedAt;
    console.log(`SIGKILLed node gone from both survivors' lists ${noticedMs} ms after the kill`);
    expect(noticedMs).toBeLessThanOrEqual(DEATH_NOTICED_MS);
  });

  it('drops a node stopped gracefully at the next heartbeat', async () => {
    const stoppedAt = Date.now();
    expect(await nodes['node-c']!.stop('SIGTERM')).toBe(0);
    const goneMs = await untilListed([nodes['node-a']!], ['node-a'], DEATH_NOTICED_MS);
    const sinceStop = Date.now() - stoppedAt;
    console.log(
      `SIGTERMed node gone from the survivor's list ${sinceStop} ms after the signal (${goneMs} ms after exit)`,
    );
    // Deregistered on shutdown: seen at the survivor's next heartbeat (1 s), not after the 3 s TTL.
    expect(goneMs).toBeLessThan(2500);
  });
});
