import type { FastifyInstance } from 'fastify';
import type { EventRole } from '../../controlplane/types';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { eventMemberSchema, eventRoleSchema, idParams, listOf, noContent, responses } from './schemas';

interface MemberParams {
  eventId: string;
  userId: string;
}

/** Event membership and per-event roles: admins decide, the event's dispatchers may look. */
export function memberRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const memberships = deps.services.memberships;
  const tags = ['event members'];
  const params = idParams('eventId', 'userId');

  app.get<{ Params: { eventId: string } }>(
    '/events/:eventId/members',
    {
      schema: {
        tags,
        summary: 'List the members of an event with their roles (admin, dispatch of the event)',
        params: idParams('eventId'),
        response: responses({ 200: listOf('members', eventMemberSchema) }),
      },
    },
    async (request) => ({ members: await memberships.list(actorOf(request), request.params.eventId) }),
  );

  app.put<{ Params: MemberParams; Body: { role: EventRole } }>(
    '/events/:eventId/members/:userId',
    {
      schema: {
        tags,
        summary: 'Add a user to an event or change their role (admin)',
        params,
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: { role: eventRoleSchema },
        },
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      const { eventId, userId } = request.params;
      await memberships.setRole(actorOf(request), eventId, userId, request.body.role);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: MemberParams }>(
    '/events/:eventId/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a user from an event and its channels (admin)',
        params,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      const { eventId, userId } = request.params;
      await memberships.remove(actorOf(request), eventId, userId);
      return reply.code(204).send();
    },
  );
}
