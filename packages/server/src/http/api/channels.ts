import type { FastifyInstance } from 'fastify';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { channelSchema, idParams, listOf, nameSchema, noContent, responses } from './schemas';

const nameBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: nameSchema },
} as const;

/** Channels of a team: managed by admins and the event's dispatchers; readable by those who may use them. */
export function channelRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const channels = deps.services.channels;
  const tags = ['channels'];

  app.get<{ Params: { teamId: string } }>(
    '/teams/:teamId/channels',
    {
      schema: {
        tags,
        summary: 'List the channels of a team (admin, dispatch of the event)',
        params: idParams('teamId'),
        response: responses({ 200: listOf('channels', channelSchema) }),
      },
    },
    async (request) => ({ channels: await channels.list(actorOf(request), request.params.teamId) }),
  );

  app.post<{ Params: { teamId: string }; Body: { name: string } }>(
    '/teams/:teamId/channels',
    {
      schema: {
        tags,
        summary: 'Create a channel (admin, dispatch of the event)',
        params: idParams('teamId'),
        body: nameBody,
        response: responses({ 201: channelSchema }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await channels.create(actorOf(request), request.params.teamId, request.body.name)),
  );

  app.get<{ Params: { channelId: string } }>(
    '/channels/:channelId',
    {
      schema: {
        tags,
        summary: 'Get a channel (anyone who may use it)',
        params: idParams('channelId'),
        response: responses({ 200: channelSchema }),
      },
    },
    async (request) => channels.get(actorOf(request), request.params.channelId),
  );

  app.patch<{ Params: { channelId: string }; Body: { name: string } }>(
    '/channels/:channelId',
    {
      schema: {
        tags,
        summary: 'Rename a channel (admin, dispatch of the event)',
        params: idParams('channelId'),
        body: nameBody,
        response: responses({ 200: channelSchema }),
      },
    },
    async (request) => channels.rename(actorOf(request), request.params.channelId, request.body.name),
  );

  app.delete<{ Params: { channelId: string } }>(
    '/channels/:channelId',
    {
      schema: {
        tags,
        summary: 'Delete a channel (admin, dispatch of the event)',
        params: idParams('channelId'),
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await channels.delete(actorOf(request), request.params.channelId);
      return reply.code(204).send();
    },
  );
}
