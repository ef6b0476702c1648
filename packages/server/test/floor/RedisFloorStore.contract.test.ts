import { describe, expect, it } from 'vitest';
import { describeFloorStoreContract } from './floorStoreContract';
import { redisFixture, useRedisServer } from './redisFixture';

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
});
