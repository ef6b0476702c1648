import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeBroadcast } from '../../src/cluster/NodeBroadcast';
import { startRedisServer, waitForSubscribers, type RedisServerHandle } from '../support/redisServer';

const logger = pino({ level: 'silent' });
const Schema = z.object({ n: z.number().int() });
type Message = z.infer<typeof Schema>;

describe('NodeBroadcast on a real redis-server', () => {
  let redis: RedisServerHandle;
  let admin: Redis;
  let sender: NodeBroadcast<Message>;
  let receiver: NodeBroadcast<Message>;
  const keyPrefix = `broadcast-test-${Date.now()}:`;
  const channel = `${keyPrefix}numbers`;

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    const options = { redisUrl: redis.url, keyPrefix, name: 'numbers', schema: Schema, logger };
    sender = new NodeBroadcast({ ...options, nodeId: 'sender' });
    receiver = new NodeBroadcast({ ...options, nodeId: 'receiver' });
    await waitForSubscribers(admin, channel, 2);
  });
  afterAll(async () => {
    await sender?.close();
    await receiver?.close();
    admin?.disconnect();
    await redis?.stop();
  });

  it('drops what is not an envelope or does not match the schema, and delivers what does, in order', async () => {
    const received: Message[] = [];
    const stop = receiver.onMessage((message) => received.push(message));
    await admin.publish(channel, 'not json');
    await admin.publish(channel, JSON.stringify({ n: 1 }));
    await admin.publish(channel, JSON.stringify({ origin: 'elsewhere', message: { n: 'two' } }));
    await admin.publish(channel, JSON.stringify({ origin: 'elsewhere', message: { n: 3 } }));
    sender.publish({ n: 4 });
    await expect.poll(() => received.length).toBe(2);
    stop();
    expect(received).toEqual([{ n: 3 }, { n: 4 }]);
  });

  it('a closed broadcast publishes nothing and closing again is harmless', async () => {
    const closing = new NodeBroadcast({
      redisUrl: redis.url,
      keyPrefix,
      name: 'numbers',
      schema: Schema,
      nodeId: 'closing',
      logger,
    });
    await closing.close();
    await closing.close();
    const received: Message[] = [];
    const stop = receiver.onMessage((message) => received.push(message));
    closing.publish({ n: 5 });
    sender.publish({ n: 6 });
    await expect.poll(() => received.length).toBe(1);
    stop();
    expect(received).toEqual([{ n: 6 }]);
  });
});

describe('NodeBroadcast without Redis (one node)', () => {
  it('delivers to this node only, at once', async () => {
    const local = new NodeBroadcast({
      redisUrl: undefined,
      keyPrefix: 'x:',
      name: 'numbers',
      schema: Schema,
      nodeId: 'only',
      logger,
    });
    const received: Message[] = [];
    local.onMessage((message) => received.push(message));
    local.publish({ n: 7 });
    expect(received).toEqual([{ n: 7 }]);
    await local.close();
  });
});
