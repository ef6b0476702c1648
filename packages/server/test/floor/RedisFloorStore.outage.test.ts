import { afterEach, describe, expect, it } from 'vitest';
import type { FloorStore } from '../../src/floor/FloorStore';
import { RedisFloorStore } from '../../src/floor/RedisFloorStore';
import { startRedisServer } from '../support/redisServer';
import { activeHandles, expectNoLeftovers, holder, nextEvent, silentLogger, uniquePrefix } from './helpers';
import { redisStore, useRedisServer } from './redisFixture';

// This file stops and restarts its own redis-server, so it shares it with no other file.
const server = useRedisServer();

describe('RedisFloorStore across Redis outages', () => {
  const opened: FloorStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  async function twoNodes(options: { commandTimeoutMs?: number } = {}): Promise<[FloorStore, FloorStore]> {
    const prefix = uniquePrefix();
    const a = await redisStore(server(), prefix, options);
    const b = await redisStore(server(), prefix, options);
    opened.push(a, b);
    return [a, b];
  }

  it('reports down, fails fast, comes back by itself and ends the grants Redis lost', async () => {
    const [a, b] = await twoNodes();
    const result = await a.acquire('ch', holder(1), 60_000);
    if (!result.granted) throw new Error('not granted');
    const { grantId } = result.grant;
    await nextEvent(b.events, 'taken', (grant) => grant.grantId === grantId);

    const down = [a, b].map((store) => nextEvent(store.events, 'health', (health) => health === 'down'));
    const up = [a, b].map((store) => nextEvent(store.events, 'health', (health) => health === 'up', 20_000));
    const lost = [a, b].map((store) =>
      nextEvent(store.events, 'idle', (event) => event.grantId === grantId, 20_000),
    );
    await server().stop();
    await Promise.all(down);
    expect(a.isHealthy()).toBe(false);

    const started = Date.now();
    const unavailable = { name: 'FloorStoreError', code: 'unavailable' };
    await expect(a.acquire('other', holder(2), 1000)).rejects.toMatchObject(unavailable);
    await expect(a.renew('ch', grantId, 1000)).rejects.toMatchObject(unavailable);
    await expect(a.release('ch', grantId)).rejects.toMatchObject(unavailable);
    await expect(b.current('ch')).rejects.toMatchObject(unavailable);
    expect(Date.now() - started).toBeLessThan(1000);

    await server().restart();
    await Promise.all(up);
    for (const [event] of await Promise.all(lost)) {
      expect(event).toEqual({ channelId: 'ch', grantId, reason: 'lost' });
    }
    expect(a.isHealthy()).toBe(true);
    expect(await b.current('ch')).toBeNull();
    expect(a).toMatchObject({ keyspaceNotificationsActive: true }); // re-applied on the fresh server

    const again = await b.acquire('ch', holder(2), 300);
    if (!again.granted) throw new Error('not granted after the restart');
    const [expired] = await nextEvent(a.events, 'idle', (event) => event.grantId === again.grant.grantId);
    expect(expired.reason).toBe('expired');
  });

  it('keeps fences growing across a restart of Redis that lost everything', async () => {
    const [a, b] = await twoNodes();
    const before: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const result = await (round % 2 === 0 ? a : b).acquire('ch', holder(round), 10_000);
      if (!result.granted) throw new Error('not granted');
      before.push(result.grant.fence);
      await (round % 2 === 0 ? a : b).release('ch', result.grant.grantId);
    }
    const up = [a, b].map((store) => nextEvent(store.events, 'health', (health) => health === 'up', 20_000));
    await server().stop();
    await server().restart(); // no persistence: the counter is gone with the locks
    await Promise.all(up);
    const after = await b.acquire('ch', holder(9), 10_000);
    if (!after.granted) throw new Error('not granted after the restart');
    // The counter starts again from Redis's clock (microseconds), above every fence issued before.
    expect(after.grant.fence).toBeGreaterThan(Math.max(...before));
    const next = await b.release('ch', after.grant.grantId).then(() => a.acquire('ch', holder(8), 10_000));
    expect(next.granted && next.grant.fence).toBe(after.grant.fence + 1);
  });

  it('times a command out when Redis stops answering without closing the connection', async () => {
    const [store] = await twoNodes({ commandTimeoutMs: 300 });
    const pid = server().pid();
    if (pid === undefined) throw new Error('redis-server has no pid');
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      await expect(store.acquire('ch', holder(1), 1000)).rejects.toMatchObject({ code: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The timed-out acquire was still in the socket and may have run once Redis resumed: whatever it did,
    // the channel can only be idle or held by that caller, and the store answers again.
    const current = await store.current('ch');
    expect(current === null || current.holder.userId === 'user-1').toBe(true);
    await expect(store.acquire('other', holder(2), 1000)).resolves.toMatchObject({ granted: true });
  });

  it('gives up connecting after the timeout without leaving anything behind', async () => {
    const spare = await startRedisServer();
    const { url } = spare;
    await spare.stop(); // a port with nothing listening
    const baseline = activeHandles();
    const started = Date.now();
    await expect(
      RedisFloorStore.connect({ url, keyPrefix: uniquePrefix(), logger: silentLogger }, 1000),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(5000);
    await expectNoLeftovers(baseline);
  });
});
