import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeFloorStoreContract } from './floorStoreContract';
import { holder, nextEvent, record, uniquePrefix } from './helpers';
import { redisFixture, redisStore, useRedisServer } from './redisFixture';

const server = useRedisServer();

describeFloorStoreContract('Redis', redisFixture(server));

describe('RedisFloorStore with CONFIG allowed', () => {
  it('turns on keyspace notifications for expired keys', async () => {
    const [store] = await redisFixture(server).nodes(1);
    try {
      expect(store).toMatchObject({ keyspaceNotificationsActive: true });
    } finally {
      await store?.close();
    }
  });

  it('ignores malformed events and never brings back a grant that has ended', async () => {
    const prefix = uniquePrefix();
    const store = await redisStore(server(), prefix);
    const other = await redisStore(server(), prefix);
    const publisher = new Redis(server().url);
    try {
      const result = await store.acquire('ch', holder(1), 10_000);
      if (!result.granted) throw new Error('not granted');
      await store.release('ch', result.grant.grantId);
      const taken = record(store.events, 'taken');
      const channel = `${prefix}floor-events`;
      await publisher.publish(channel, 'not json');
      await publisher.publish(channel, JSON.stringify({ type: 'taken', grant: { grantId: 'x' } }));
      // The grant's announcement arriving again after its release (a late or replayed message).
      await publisher.publish(channel, JSON.stringify({ type: 'taken', grant: result.grant }));
      // A grant by another node reaches this one through the same subscription, after the messages above.
      const marker = nextEvent(store.events, 'taken', (grant) => grant.channelId === 'marker');
      await other.acquire('marker', holder(2), 10_000);
      await marker;
      expect(taken.events.map(([grant]) => grant.channelId)).toEqual(['marker']);
      expect(await store.current('ch')).toBeNull();
    } finally {
      publisher.disconnect();
      await Promise.all([store.close(), other.close()]);
    }
  });
});
