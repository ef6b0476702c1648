import { describe, expect, it } from 'vitest';
import { describeFloorStoreContract } from './floorStoreContract';
import { redisFixture, useRedisServer } from './redisFixture';

// A managed Redis often forbids CONFIG: the store must then notice expiries through its watchdog alone.
const server = useRedisServer({ args: ['--rename-command', 'CONFIG', ''] });

describeFloorStoreContract('Redis without CONFIG', redisFixture(server));

describe('RedisFloorStore with CONFIG forbidden', () => {
  it('connects and relies on its watchdog', async () => {
    const [store] = await redisFixture(server).nodes(1);
    try {
      expect(store?.isHealthy()).toBe(true);
      expect(store).toMatchObject({ keyspaceNotificationsActive: false });
    } finally {
      await store?.close();
    }
  });
});
