import type { FastifyInstance } from 'fastify';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { idParams, listOf, nameSchema, noContent, responses, teamSchema } from './schemas';

const nameBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: nameSchema },
} as const;

/** Teams of an event (admin, dispatch of the event). */
export function teamRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const teams = deps.services.teams;
  const tags = ['teams'];

  app.get<{ Params: { eventId: string } }>(
    '/events/:eventId/teams',
    {
      schema: {
        tags,
        summary: 'List the teams of an event',
        params: idParams('eventId'),
        response: responses({ 200: listOf('teams', teamSchema) }),
      },
    },
    async (request) => ({ teams: await teams.list(actorOf(request), request.params.eventId) }),
  );

  app.post<{ Params: { eventId: string }; Body: { name: string } }>(
    '/events/:eventId/teams',
    {
      schema: {
        tags,
        summary: 'Create a team',
        params: idParams('eventId'),
        body: nameBody,
        response: responses({ 201: teamSchema }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await teams.create(actorOf(request), request.params.eventId, request.body.name)),
  );

  app.patch<{ Params: { teamId: string }; Body: { name: string } }>(
    '/teams/:teamId',
    {
      schema: {
        tags,
        summary: 'Rename a team',
        params: idParams('teamId'),
        body: nameBody,
        response: responses({ 200: teamSchema }),
      },
    },
    async (request) => teams.rename(actorOf(request), request.params.teamId, request.body.name),
  );

  app.delete<{ Params: { teamId: string } }>(
    '/teams/:teamId',
    {
      schema: {
        tags,
        summary: 'Delete a team with its channels',
        params: idParams('teamId'),
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await teams.delete(actorOf(request), request.params.teamId);
      return reply.code(204).send();
    },
  );
}
