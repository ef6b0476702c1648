import { afterAll, beforeAll } from 'vitest';
import { RedisFloorStore } from '../../src/floor/RedisFloorStore';
import type { RedisFloorStoreOptions } from '../../src/floor/RedisFloorStore';
import { startRedisServer } from '../support/redisServer';
import type { RedisServerHandle, RedisServerOptions } from '../support/redisServer';
import type { StoreFixture } from './floorStoreContract';
import { silentLogger, uniquePrefix } from './helpers';

/** Starts a redis-server for the calling test file (stopped after it) and returns a getter for it. */
export function useRedisServer(options: RedisServerOptions = {}): () => RedisServerHandle {
  let server: RedisServerHandle | undefined;
  beforeAll(async () => {
    server = await startRedisServer(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('redis-server is not running');
    return server;
  };
}

export function redisStore(
  server: RedisServerHandle,
  keyPrefix: string,
  options: Partial<RedisFloorStoreOptions> = {},
): Promise<RedisFloorStore> {
  return RedisFloorStore.connect({ url: server.url, keyPrefix, logger: silentLogger, ...options });
}

/** Each call of `nodes` opens that many RedisFloorStores (nodes) on a fresh key prefix. */
export function redisFixture(
  server: () => RedisServerHandle,
  options: Partial<RedisFloorStoreOptions> = {},
): StoreFixture {
  return {
    async nodes(count) {
      const keyPrefix = uniquePrefix();
      return Promise.all(Array.from({ length: count }, () => redisStore(server(), keyPrefix, options)));
    },
  };
}
