import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * An onRequest hook for operator endpoints (/metrics, the OpenAPI document): with a token configured, the
 * caller must send `Authorization: Bearer <token>`; without one the endpoint is open (as on a private
 * network behind the load balancer).
 */
export function requireOpsToken(
  token: string | undefined,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => {
    if (token === undefined) return undefined;
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!sameSecret(given, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({
          error: {
            code: 'not_authenticated',
            message: 'This endpoint needs the operator token (SQUELCH_METRICS_TOKEN).',
          },
        });
    }
    return undefined;
  };
}
