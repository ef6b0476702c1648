import pino from 'pino';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisFloorStore } from '../../packages/server/src/floor/RedisFloorStore';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { httpsGet } from '../support/httpsGet';
import { LabPage } from '../support/labPage';
import { startNodeCluster } from '../support/nodeCluster';
import type { NodeCluster } from '../support/nodeCluster';

/** Packets node B took from node A's pipes, by outcome (its /metrics). */
async function fromA(cluster: NodeCluster, outcome: 'received' | 'forwarded' | 'dropped'): Promise<number> {
  const { text } = await httpsGet(`${cluster.nodes[1]!.url}/metrics`);
  const line = text
    .split('\n')
    .find(
      (entry) =>
        entry.startsWith('squelch_relay_packets{') &&
        entry.includes('peer="node-a"') &&
        entry.includes(`outcome="${outcome}"`),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * A stale grant across nodes: Gus talks on node A and Gina hears him on node B. Node A's process stalls
 * (SIGSTOP) while Gus's browser keeps sending to A's media worker; meanwhile Gus's lease is taken away and the
 * channel granted anew to someone on another node (a third "node" acting on the same Redis). When A resumes
 * it still believes Gus holds the channel and may forward what piled up — none of it may reach Gina.
 */
describe('a stale grant is not heard on another node', () => {
  let cluster: NodeCluster;
  let browser: TestBrowser;
  let store: RedisFloorStore;
  let gus: LabPage;
  let gina: LabPage;
  let channelId: string;

  beforeAll(async () => {
    cluster = await startNodeCluster({
      nodeIds: ['node-a', 'node-b'],
      channels: ['Gate'],
      people: { Gus: ['Gate'], Gina: ['Gate'] },
    });
    channelId = cluster.channels.Gate!;
    store = new RedisFloorStore({
      url: cluster.redisUrl,
      keyPrefix: 'squelch:',
      logger: pino({ level: 'warn' }),
    });
    browser = await launchChromium();
    gus = new LabPage(await browser.page(`${cluster.nodes[0]!.url}/lab.html`));
    await gus.connect(cluster.tokens.Gus!, { rawMicrophone: true, urls: [cluster.wss[0]!] });
    await gus.enableMicrophone();
    await gus.join(channelId);
    gina = new LabPage(await browser.page(`${cluster.nodes[1]!.url}/lab.html`));
    await gina.connect(cluster.tokens.Gina!, { rawMicrophone: true, urls: [cluster.wss[1]!] });
    await gina.join(channelId);
  }, 180_000);

  afterAll(async () => {
    if (cluster !== undefined) process.kill(cluster.nodes[0]!.pid, 'SIGCONT');
    await store?.close();
    await browser?.close();
    await cluster?.stop();
  });

  it("drops the stalled node's audio once a newer grant exists", async () => {
    expect(await gus.press(channelId)).toMatchObject({ granted: true });
    expect(await gina.waitForLevel(channelId, 'above', 0.05, 5000)).not.toBeNull();

    // Node A stalls (its media worker and Gus's browser go on), well within the node TTL.
    process.kill(cluster.nodes[0]!.pid, 'SIGSTOP');
    const forwardedBefore = await fromA(cluster, 'forwarded');
    const droppedBefore = await fromA(cluster, 'dropped');
    // Gus's lease is gone (as if it ran out while A was stalled) and someone on another node takes the channel.
    const redis = new Redis(cluster.redisUrl);
    await redis.del(`squelch:floor:${channelId}`);
    redis.disconnect();
    const taken = await store.acquire(
      channelId,
      { userId: 'dispatch', displayName: 'Dispatch', sessionId: 'elsewhere', nodeId: 'node-x' },
      30_000,
    );
    expect(taken.granted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.kill(cluster.nodes[0]!.pid, 'SIGCONT');

    // What A forwards after it resumes, under Gus's old grant, never reaches Gina.
    expect(await gina.waitForLevel(channelId, 'below', 0.01, 3000)).not.toBeNull();
    const heard = await gina.measure(channelId, 1500);
    expect(heard.rms).toBeLessThan(0.01);
    expect(await fromA(cluster, 'forwarded')).toBe(forwardedBefore);
    console.log(
      `node B dropped ${(await fromA(cluster, 'dropped')) - droppedBefore} packets of node A's pipe after the newer grant`,
    );
    await gus.release(channelId);
  });
});
