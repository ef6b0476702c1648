import type { FastifyInstance } from 'fastify';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { eventSchema, idParams, listOf, nameSchema, noContent, responses } from './schemas';

interface EventParams {
  eventId: string;
}

const descriptionSchema = { type: 'string', maxLength: 2000 } as const;
const headphonesRequired = { type: 'boolean' } as const;

/** Events: admins manage them; members list and read the ones they belong to. */
export function eventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const events = deps.services.events;
  const tags = ['events'];
  const params = idParams('eventId');

  app.get(
    '/events',
    {
      schema: {
        tags,
        summary: 'List events',
        description: 'Admins see every event; others the events they are a member of.',
        response: responses({ 200: listOf('events', eventSchema) }),
      },
    },
    async (request) => ({ events: await events.list(actorOf(request)) }),
  );

  app.post<{ Body: { name: string; description?: string; headphonesRequired?: boolean } }>(
    '/events',
    {
      schema: {
        tags,
        summary: 'Create an event (admin)',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: nameSchema, description: descriptionSchema, headphonesRequired },
        },
        response: responses({ 201: eventSchema }),
      },
    },
    async (request, reply) => reply.code(201).send(await events.create(actorOf(request), request.body)),
  );

  app.get<{ Params: EventParams }>(
    '/events/:eventId',
    { schema: { tags, summary: 'Get an event', params, response: responses({ 200: eventSchema }) } },
    async (request) => events.get(actorOf(request), request.params.eventId),
  );

  app.patch<{
    Params: EventParams;
    Body: { name?: string; description?: string; headphonesRequired?: boolean };
  }>(
    '/events/:eventId',
    {
      schema: {
        tags,
        summary: 'Change an event (admin)',
        params,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: { name: nameSchema, description: descriptionSchema, headphonesRequired },
        },
        response: responses({ 200: eventSchema }),
      },
    },
    async (request) => events.update(actorOf(request), request.params.eventId, request.body),
  );

  app.delete<{ Params: EventParams }>(
    '/events/:eventId',
    {
      schema: {
        tags,
        summary: 'Delete an event with its teams and channels (admin)',
        params,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await events.delete(actorOf(request), request.params.eventId);
      return reply.code(204).send();
    },
  );
}
