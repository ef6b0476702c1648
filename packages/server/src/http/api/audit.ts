import type { FastifyInstance } from 'fastify';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { auditEntrySchema, listOf, responses } from './schemas';

/** The audit log of administrative actions (admins only). */
export function auditRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const audit = deps.services.audit;

  app.get<{ Querystring: { limit: number; before?: number } }>(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            before: { type: 'integer', minimum: 1, description: 'Only entries with a smaller id (paging)' },
          },
        },
        response: responses({ 200: listOf('entries', auditEntrySchema) }),
      },
    },
    async (request) => {
      const { limit, before } = request.query;
      return {
        entries: await audit.list(actorOf(request), {
          limit,
          ...(before !== undefined ? { beforeId: before } : {}),
        }),
      };
    },
  );
}
