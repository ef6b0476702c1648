import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RedisProxy {
  /** redis://127.0.0.1:<proxy port> — give it to a node instead of the server's URL. */
  url: string;
  /**
   * From now on, data from Redis to the node that contains `marker` is thrown away, connections staying up
   * (as if the network lost those packets on a link nobody noticed was bad). `null` forwards everything again.
   */
  dropContaining(marker: string | null): void;
  /** How many chunks were thrown away since the start. */
  readonly dropped: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real redis-server for one node. Everything passes both ways unchanged, except
 * chunks from Redis that contain the chosen marker while dropping is on: a pub/sub message (its channel name
 * is in it) published by another node reaches Redis and is delivered by Redis, and is then lost on its way to
 * this node, which keeps its connection and does not know anything was lost.
 */
export async function startRedisProxy(upstreamUrl: string): Promise<RedisProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<net.Socket>();
  let marker: Buffer | null = null;
  let dropped = 0;
  const server = net.createServer((client) => {
    const redis = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(client);
    sockets.add(redis);
    client.pipe(redis);
    redis.on('data', (chunk: Buffer) => {
      if (marker !== null && chunk.includes(marker)) {
        dropped += 1;
        return;
      }
      client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      redis.destroy();
      sockets.delete(client);
      sockets.delete(redis);
    };
    client.on('close', end);
    redis.on('close', end);
    client.on('error', end);
    redis.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    dropContaining(text) {
      marker = text === null ? null : Buffer.from(text);
    },
    get dropped() {
      return dropped;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
