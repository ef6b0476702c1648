import type { FastifyInstance } from 'fastify';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { channelMemberSchema, idParams, listOf, noContent, responses } from './schemas';

interface AssignmentParams {
  channelId: string;
  userId: string;
}

/** Who is assigned to a channel (admin, dispatch of the event). */
export function assignmentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const assignments = deps.services.assignments;
  const tags = ['channel assignments'];
  const params = idParams('channelId', 'userId');

  app.get<{ Params: { channelId: string } }>(
    '/channels/:channelId/members',
    {
      schema: {
        tags,
        summary: 'List the users assigned to a channel',
        params: idParams('channelId'),
        response: responses({ 200: listOf('members', channelMemberSchema) }),
      },
    },
    async (request) => ({ members: await assignments.list(actorOf(request), request.params.channelId) }),
  );

  app.put<{ Params: AssignmentParams }>(
    '/channels/:channelId/members/:userId',
    {
      schema: {
        tags,
        summary: 'Assign a member of the event to the channel',
        params,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await assignments.assign(actorOf(request), request.params.channelId, request.params.userId);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: AssignmentParams }>(
    '/channels/:channelId/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a user from the channel; their audio there stops at once',
        params,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await assignments.unassign(actorOf(request), request.params.channelId, request.params.userId);
      return reply.code(204).send();
    },
  );
}
