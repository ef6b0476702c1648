import type { FastifyInstance, FastifyReply } from 'fastify';
import { MAX_FILE_BYTES, RosterFileError } from '../../controlplane/roster/csvFormat';
import { RosterRefused } from '../../controlplane/roster/RosterService';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { idParams } from './schemas';

/** Bodies up to this size reach the parser, which answers "too large" itself with its own limit. */
const BODY_LIMIT = MAX_FILE_BYTES * 3;

function refuse(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof RosterRefused) {
    return reply.code(400).send({
      error: { code: error.code, message: error.message },
      problems: error.plan.problems,
    });
  }
  if (error instanceof RosterFileError) {
    const first = error.problems[0];
    return reply.code(400).send({
      error: { code: 'bad_request', message: first?.reason ?? 'The file cannot be read.' },
      problems: error.problems,
    });
  }
  throw error;
}

/**
 * CSV import (preview, apply) and export of an event's roster: admins, and the event's dispatchers for what
 * their role allows. A plugin of its own: the CSV body parser applies to these routes only.
 */
export function rosterRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const roster = deps.services.roster;
  const tags = ['roster'];
  const params = idParams('eventId');
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      ['text/csv', 'text/plain', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
      (_request, body, parsed) => parsed(null, body),
    );

    scope.post<{ Params: { eventId: string }; Body: Buffer }>(
      '/events/:eventId/roster/preview',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          tags,
          summary: 'What importing a roster CSV would create or change, and which rows are refused and why',
          params,
        },
      },
      async (request, reply) => {
        try {
          const plan = await roster.preview(actorOf(request), request.params.eventId, request.body);
          return await reply.send({ plan });
        } catch (error) {
          return refuse(reply, error);
        }
      },
    );

    scope.post<{ Params: { eventId: string }; Body: Buffer }>(
      '/events/:eventId/roster',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          tags,
          summary: 'Import a roster CSV in one transaction: all rows or, on any problem, nothing',
          params,
        },
      },
      async (request, reply) => {
        try {
          const result = await roster.apply(actorOf(request), request.params.eventId, request.body);
          return await reply.send(result);
        } catch (error) {
          return refuse(reply, error);
        }
      },
    );

    scope.get<{ Params: { eventId: string } }>(
      '/events/:eventId/roster.csv',
      { schema: { tags, summary: 'Export the roster of an event as CSV (the import format)', params } },
      async (request, reply) => {
        const csv = await roster.export(actorOf(request), request.params.eventId);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="roster.csv"')
          .header('cache-control', 'no-store')
          .send(csv);
      },
    );
    done();
  });
}
