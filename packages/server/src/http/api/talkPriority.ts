import type { FastifyInstance } from 'fastify';
import type { TalkPriorities } from '../../floor/priority';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { idParams, responses } from './schemas';

const prioritySchema = {
  type: 'integer',
  description: '1..9; a press with a higher priority than the talker on a busy channel takes it over',
} as const;

const talkPrioritySchema = {
  type: 'object',
  required: ['dispatch', 'general'],
  additionalProperties: false,
  properties: { dispatch: prioritySchema, general: prioritySchema },
} as const;

/** An event's talk priority per role: members read it, administrators change it. */
export function talkPriorityRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const service = deps.services.talkPriority;
  const tags = ['events'];
  const params = idParams('eventId');

  app.get<{ Params: { eventId: string } }>(
    '/events/:eventId/talk-priority',
    {
      schema: {
        tags,
        summary: "An event's talk priority per role (members)",
        description: 'Administrators talk with the dispatch priority; an emergency is above every role.',
        params,
        response: responses({ 200: talkPrioritySchema }),
      },
    },
    async (request) => service.get(actorOf(request), request.params.eventId),
  );

  app.put<{ Params: { eventId: string }; Body: TalkPriorities }>(
    '/events/:eventId/talk-priority',
    {
      schema: {
        tags,
        summary: "Change an event's talk priority per role (admin)",
        description: "Applies to each person's next join of a channel; talks in progress keep theirs.",
        params,
        body: talkPrioritySchema,
        response: responses({ 200: talkPrioritySchema }),
      },
    },
    async (request) => service.update(actorOf(request), request.params.eventId, request.body),
  );
}
