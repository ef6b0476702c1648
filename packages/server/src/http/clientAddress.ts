import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * Which reverse proxies are trusted to say who the client is (X-Forwarded-For): none, the given addresses /
 * CIDR ranges, or a number of hops. The same setting drives Fastify's `trustProxy` (REST API, sign-in limits)
 * and the signalling socket's per-address limits.
 */
export type TrustProxy = false | number | readonly string[];

/** Fastify's `trustProxy` option for this setting. */
export function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  return typeof trust === 'number' ? (_address, hop) => hop < trust : [...trust];
}

/** The client address of a raw request (a WebSocket upgrade), honouring trusted proxies only. */
export function clientAddressResolver(trust: TrustProxy): (request: IncomingMessage) => string {
  if (trust === false) return (request) => request.socket.remoteAddress ?? 'unknown';
  const trusts =
    typeof trust === 'number'
      ? (_address: string, hop: number) => hop < trust
      : proxyAddr.compile([...trust]);
  return (request) => proxyAddr(request, trusts);
}
