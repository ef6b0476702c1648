import fs from 'node:fs';
import path from 'node:path';
import send from '@fastify/send';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../http/api/authenticate';
import { idParams, listOf, responses } from '../http/api/schemas';
import type { TransmissionService } from './TransmissionService';
import { invalidRetention, MAX_RETENTION_HOURS, recordingUnavailable } from './TransmissionService';

const transmissionSchema = {
  type: 'object',
  required: ['id', 'channelId', 'talkerId', 'talkerName', 'startedAt', 'durationMs', 'emergency', 'bytes'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    channelId: { type: 'string', format: 'uuid' },
    talkerId: { type: 'string', format: 'uuid', nullable: true },
    talkerName: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'integer' },
    grantNumber: { type: 'integer', nullable: true, description: "The floor grant's fencing number" },
    emergency: { type: 'boolean' },
    bytes: { type: 'integer', description: 'Size of the Ogg Opus file' },
  },
} as const;

const retentionSchema = {
  type: 'object',
  required: ['retentionHours'],
  additionalProperties: false,
  properties: {
    retentionHours: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_RETENTION_HOURS,
      description: "Hours the event's recordings are kept; 0 turns recording off (default 24)",
    },
  },
} as const;

interface ListQuery {
  limit: number;
  before?: string;
  after?: string;
}

/**
 * Transmission history under /api: a channel's recordings (newest first, paged by time) and each recording's
 * Ogg Opus file, with HTTP range requests. Mounted inside the authenticated scope.
 */
export function transmissionRoutes(
  app: FastifyInstance,
  deps: { transmissions: TransmissionService; directory: string },
): void {
  const tags = ['transmissions'];
  const { transmissions, directory } = deps;

  app.get<{ Params: { channelId: string }; Querystring: ListQuery }>(
    '/channels/:channelId/transmissions',
    {
      schema: {
        tags,
        summary: "A channel's recorded transmissions, newest first (anyone who may use the channel)",
        params: idParams('channelId'),
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            before: {
              type: 'string',
              format: 'date-time',
              description: 'Only those started before (paging)',
            },
            after: { type: 'string', format: 'date-time', description: 'Only those started after' },
          },
        },
        response: responses({ 200: listOf('transmissions', transmissionSchema) }),
      },
    },
    async (request) => {
      const { limit, before, after } = request.query;
      return {
        transmissions: await transmissions.list(actorOf(request), request.params.channelId, {
          limit,
          ...(before !== undefined ? { before: new Date(before) } : {}),
          ...(after !== undefined ? { after: new Date(after) } : {}),
        }),
      };
    },
  );

  app.get<{ Params: { eventId: string } }>(
    '/events/:eventId/recording',
    {
      schema: {
        tags,
        summary: "The event's recording retention (members of the event)",
        params: idParams('eventId'),
        response: responses({ 200: retentionSchema }),
      },
    },
    async (request) => ({
      retentionHours: await transmissions.retentionOf(actorOf(request), request.params.eventId),
    }),
  );

  app.put<{ Params: { eventId: string }; Body: { retentionHours: number } }>(
    '/events/:eventId/recording',
    {
      schema: {
        tags,
        summary:
          "Changes the event's recording retention (admins; audited). 0 stops recording and the next sweep " +
          "removes the event's recordings",
        params: idParams('eventId'),
        body: retentionSchema,
        response: responses({ 200: retentionSchema }),
      },
      // Checked before the schema, which would coerce: `null` or `"0"` must not turn recording off.
      preValidation: async (request) => {
        const body = request.body as Record<string, unknown> | null | undefined;
        if (typeof body?.retentionHours !== 'number') throw invalidRetention();
        return Promise.resolve();
      },
    },
    async (request) => ({
      retentionHours: await transmissions.setRetention(
        actorOf(request),
        request.params.eventId,
        request.body.retentionHours,
      ),
    }),
  );

  app.get<{ Params: { transmissionId: string } }>(
    '/transmissions/:transmissionId/audio',
    {
      schema: {
        tags,
        summary:
          'The recording as Ogg Opus; supports Range requests (playback by admins and dispatchers is audited)',
        params: idParams('transmissionId'),
        response: responses({
          200: { description: 'audio/ogg', type: 'string', format: 'binary' },
          206: { description: 'audio/ogg (a byte range)', type: 'string', format: 'binary' },
        }),
      },
    },
    async (request, reply) => {
      // A player fetching further ranges of the same playback is not audited again.
      const range = request.headers.range;
      const startsPlayback = range === undefined || /^bytes=0-/.test(range);
      const record = await transmissions.openForPlayback(
        actorOf(request),
        request.params.transmissionId,
        startsPlayback,
      );
      if (!fs.existsSync(path.join(directory, record.file))) throw recordingUnavailable(record.nodeId);
      const result = await send(request.raw, record.file, {
        root: directory,
        dotfiles: 'deny',
        cacheControl: false,
      });
      reply.code(result.statusCode).headers(result.headers);
      if (result.statusCode < 300) reply.type('audio/ogg').header('cache-control', 'private, no-store');
      return reply.send(result.stream);
    },
  );
}
