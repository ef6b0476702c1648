/**
 * Floor store latency against a real redis-server (started and stopped here), two store instances acting as
 * two nodes. Prints acquire→result latency with N concurrent clients, contended (all on one channel) and
 * uncontended (one channel each), and how long a grant takes to reach the other node as a `taken` event.
 *
 *   npx tsx bench/floor-store.ts [--clients 50] [--ops 20000] [--seconds 10]
 *
 * Bounded: each scenario stops after --ops acquires or --seconds, whichever comes first.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { FloorStore } from '../packages/server/src/floor/FloorStore';
import { RedisFloorStore } from '../packages/server/src/floor/RedisFloorStore';
import { startRedisServer } from '../packages/server/test/support/redisServer';
import { percentile } from './lib/stats';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    ops: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '10' },
  },
});
const clients = Number(values.clients);
const maxOps = Number(values.ops);
const maxMs = Number(values.seconds) * 1000;

function report(name: string, samples: number[], elapsedMs: number): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
  console.log(
    `${name.padEnd(34)} n=${String(sorted.length).padStart(6)}  p50 ${fmt(percentile(sorted, 50))}  ` +
      `p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1) ?? Number.NaN)}  ` +
      `${Math.round((sorted.length / elapsedMs) * 1000)}/s`,
  );
}

/** Runs `clients` loops until the op or time budget is spent; returns acquire latencies (ms). */
async function scenario(
  nodes: FloorStore[],
  channelOf: (client: number) => string,
): Promise<{ samples: number[]; elapsedMs: number; granted: number }> {
  const samples: number[] = [];
  let granted = 0;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const store = nodes[client % nodes.length];
      if (store === undefined) return;
      const holder = {
        userId: `u${client}`,
        displayName: `User ${client}`,
        sessionId: `s${client}`,
        nodeId: `node-${client % nodes.length}`,
      };
      while (issued < maxOps && performance.now() - started < maxMs) {
        issued += 1;
        const t0 = performance.now();
        const result = await store.acquire(channelOf(client), holder, 5000);
        samples.push(performance.now() - t0);
        if (result.granted) {
          granted += 1;
          await store.release(result.grant.channelId, result.grant.grantId);
        }
      }
    }),
  );
  return { samples, elapsedMs: performance.now() - started, granted };
}

/** Time from starting an acquire on node A until node B emits `taken` for it. */
async function propagation(a: FloorStore, b: FloorStore, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const channelId = `propagation-${round}`;
    const t0 = performance.now();
    const seen = new Promise<void>((resolve) => {
      const listener = (grant: { channelId: string }): void => {
        if (grant.channelId !== channelId) return;
        b.events.off('taken', listener);
        resolve();
      };
      b.events.on('taken', listener);
    });
    const result = await a.acquire(
      channelId,
      { userId: 'u', displayName: 'U', sessionId: 's', nodeId: 'a' },
      5000,
    );
    await seen;
    samples.push(performance.now() - t0);
    if (result.granted) await a.release(channelId, result.grant.grantId);
  }
  return samples;
}

const server = await startRedisServer();
const logger = pino({ level: 'warn' });
const nodes: FloorStore[] = [];
try {
  const prefix = `bench:${Date.now()}:`;
  nodes.push(await RedisFloorStore.connect({ url: server.url, keyPrefix: prefix, logger }));
  nodes.push(await RedisFloorStore.connect({ url: server.url, keyPrefix: prefix, logger }));
  console.log(`redis-server ${server.url}, 2 store instances, ${clients} concurrent clients`);

  const contended = await scenario(nodes, () => 'one-channel');
  report('acquire, contended (1 channel)', contended.samples, contended.elapsedMs);
  console.log(`  granted ${contended.granted} of ${contended.samples.length}`);
  const spread = await scenario(nodes, (client) => `channel-${client}`);
  report('acquire+release, uncontended', spread.samples, spread.elapsedMs);
  const [a, b] = nodes;
  if (a !== undefined && b !== undefined) {
    const started = performance.now();
    report('grant seen as taken on other node', await propagation(a, b, 1000), performance.now() - started);
  }
} finally {
  await Promise.all(nodes.map((store) => store.close()));
  await server.stop();
}
