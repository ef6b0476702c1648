import { afterEach, describe, expect, it } from 'vitest';
import { FloorService } from '../../src/floor/FloorService';
import type { FloorStore } from '../../src/floor/FloorStore';
import { nextEvent, silentLogger, uniquePrefix } from './helpers';
import { redisStore, useRedisServer } from './redisFixture';

// Restarts its own redis-server, so it shares it with no other file.
const server = useRedisServer();

describe('FloorService across a Redis restart', () => {
  const stores: FloorStore[] = [];
  const services: FloorService[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('answers unavailable during the outage and leaves no channel busy afterwards', async () => {
    const prefix = uniquePrefix();
    const [storeA, storeB] = await Promise.all([redisStore(server(), prefix), redisStore(server(), prefix)]);
    stores.push(storeA, storeB);
    const a = new FloorService({ store: storeA, nodeId: 'node-a', logger: silentLogger });
    const b = new FloorService({ store: storeB, nodeId: 'node-b', logger: silentLogger });
    services.push(a, b);

    const talker = { userId: 'user-1', displayName: 'User 1', sessionId: 'session-1' };
    const first = await a.request('ch', talker);
    if (!first.granted) throw new Error('not granted');
    const { grant } = first;
    await nextEvent(b.events, 'taken', (taken) => taken.grantId === grant.grantId);

    const down = nextEvent(storeA.events, 'health', (health) => health === 'down');
    const revoked = nextEvent(a.events, 'revoked', () => true, 20_000);
    const idle = [a, b].map((service) =>
      nextEvent(service.events, 'idle', (event) => event.grantId === grant.grantId, 20_000),
    );
    await server().stop();
    await down;
    const refused = await b.request('other', { ...talker, userId: 'user-2', sessionId: 'session-2' });
    expect(refused).toMatchObject({ granted: false, reason: 'unavailable' });
    await expect(a.heartbeat('ch', grant.grantId)).rejects.toMatchObject({ code: 'unavailable' });

    await server().restart();
    const [revocation] = await revoked;
    expect([revocation.grant.grantId, revocation.reason]).toEqual([grant.grantId, 'expired']);
    for (const [event] of await Promise.all(idle)) {
      expect(event).toMatchObject({ channelId: 'ch', grantId: grant.grantId, reason: 'lost' });
    }
    expect(a.localGrants()).toEqual([]);
    const again = await b.request('ch', { ...talker, userId: 'user-2', sessionId: 'session-2' });
    expect(again.granted).toBe(true);
  });
});
