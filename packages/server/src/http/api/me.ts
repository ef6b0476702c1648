import type { FastifyInstance } from 'fastify';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { eventRoleSchema, listOf, myEventSchema, responses, userWithRoleSchema } from './schemas';

/** The signed-in user: who they are and what they may use. */
export function meRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const me = deps.services.me;

  app.get(
    '/me',
    {
      schema: {
        tags: ['me'],
        summary: 'The signed-in user with their event memberships',
        response: responses({
          200: {
            type: 'object',
            required: ['user', 'memberships'],
            properties: {
              user: userWithRoleSchema,
              memberships: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['eventId', 'role'],
                  properties: { eventId: { type: 'string', format: 'uuid' }, role: eventRoleSchema },
                },
              },
            },
          },
        }),
      },
    },
    async (request) => me.me(actorOf(request)),
  );

  app.get(
    '/me/channels',
    {
      schema: {
        tags: ['me'],
        summary: 'My events, teams and the channels I may use',
        description:
          'General members see their assigned channels; dispatchers every channel of their events; admins all.',
        response: responses({ 200: listOf('events', myEventSchema) }),
      },
    },
    async (request) => ({ events: await me.myChannels(actorOf(request)) }),
  );
}
