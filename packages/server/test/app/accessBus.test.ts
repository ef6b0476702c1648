import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessBus } from '../../src/app/accessBus';
import type { AccessRemoved } from '../../src/signalling/AccessPolicy';
import { startRedisServer, waitForSubscribers, type RedisServerHandle } from '../support/redisServer';

const logger = pino({ level: 'silent' });

function next<T>(subscribe: (listener: (value: T) => void) => () => void, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('nothing arrived in time'));
    }, timeoutMs);
    const stop = subscribe((value) => {
      clearTimeout(timer);
      stop();
      resolve(value);
    });
  });
}

describe('access bus on a real redis-server', () => {
  let redis: RedisServerHandle;
  let admin: Redis;
  let first: AccessBus;
  let second: AccessBus;

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    const options = { redisUrl: redis.url, keyPrefix: `bus-test-${Date.now()}:`, logger };
    first = new AccessBus({ ...options, nodeId: 'first' });
    second = new AccessBus({ ...options, nodeId: 'second' });
    // Both subscribed before the tests publish.
    const channel = `${options.keyPrefix}access-removed`;
    await waitForSubscribers(admin, channel, 2);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    admin?.disconnect();
    await redis?.stop();
  });

  it('carries a removal to the other node, not back to its sender', async () => {
    const removal: AccessRemoved = { kind: 'channel', userId: 'u1', channelId: 'c1', reason: 'unassigned' };
    const echoes: AccessRemoved[] = [];
    const stopEcho = first.onRemoved((change) => echoes.push(change));
    const arrived = next<AccessRemoved>((listener) => second.onRemoved(listener));
    first.publish(removal);
    expect(await arrived).toEqual(removal);
    stopEcho();
    // Delivered once locally (by publish), never again from Redis.
    expect(echoes).toEqual([removal]);
  });

  it('says when its subscriber was cut and is subscribed again, and then receives again', async () => {
    const reconnected = next<void>((listener) => second.onReconnected(listener), 10_000);
    // Cut every pub/sub connection (the buses' subscribers); ioredis reconnects them.
    const killed = Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
    expect(killed).toBeGreaterThanOrEqual(2);
    await reconnected;
    const removal: AccessRemoved = { kind: 'user', userId: 'u2', reason: 'user_disabled' };
    const arrived = next<AccessRemoved>((listener) => second.onRemoved(listener));
    first.publish(removal);
    expect(await arrived).toEqual(removal);
  });
});
