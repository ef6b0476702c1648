import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { MAX_CODE_TTL_SEC, type SigninCard } from '../../controlplane/signin/SigninCodeService';
import { actorOf } from './authenticate';
import { sendSession } from './auth';
import type { ApiDeps } from './deps';
import { idParams, noContent, responses, sessionSchema } from './schemas';

/** The page a sign-in link opens; the code rides in the fragment, which browsers never send to a server. */
export const SIGNIN_PATH = '/signin';

const signinLink = (request: FastifyRequest, code: string): string =>
  `${request.protocol}://${request.host}${SIGNIN_PATH}#${code}`;

async function withLinkAndQr(request: FastifyRequest, card: SigninCard) {
  const link = signinLink(request, card.code);
  const qrSvg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { ...card, link, qrSvg };
}

/** Public: trading a sign-in code for a session. Rate limited like a password sign-in. */
export function signinCodeAuthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: { code: string } }>(
    '/auth/code',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a single-use code from a sign-in link or QR code',
        body: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: responses({ 200: sessionSchema }),
      },
    },
    async (request, reply) => {
      const session = await deps.services.signinCodes.redeem(request.body.code, request.ip);
      return sendSession(reply, deps, session);
    },
  );
}

/** Creating, listing and revoking sign-in codes: admins, and dispatchers of the event for its general members. */
export function signinCodeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const codes = deps.services.signinCodes;
  const tags = ['sign-in codes'];

  app.post<{ Params: { eventId: string }; Body: { userIds?: string[]; teamId?: string; ttlSec?: number } }>(
    '/events/:eventId/signin-codes',
    {
      schema: {
        tags,
        summary:
          'Create single-use sign-in codes for people or a team; the answer is the only time they are shown',
        params: idParams('eventId'),
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            userIds: {
              type: 'array',
              items: { type: 'string', format: 'uuid' },
              minItems: 1,
              maxItems: 5000,
            },
            teamId: { type: 'string', format: 'uuid' },
            ttlSec: { type: 'integer', minimum: 60, maximum: MAX_CODE_TTL_SEC },
          },
        },
      },
    },
    async (request, reply) => {
      const cards = await codes.create(actorOf(request), request.params.eventId, request.body);
      void reply.header('cache-control', 'no-store');
      return reply.code(201).send({ cards: await Promise.all(cards.map((c) => withLinkAndQr(request, c))) });
    },
  );

  app.get<{ Params: { eventId: string }; Querystring: { limit: number; offset: number } }>(
    '/events/:eventId/signin-codes',
    {
      schema: {
        tags,
        summary: 'List the sign-in codes of an event (without the codes), newest first',
        params: idParams('eventId'),
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
      },
    },
    async (request) => ({
      codes: await codes.list(actorOf(request), request.params.eventId, request.query),
    }),
  );

  app.delete<{ Params: { codeId: string } }>(
    '/signin-codes/:codeId',
    {
      schema: {
        tags,
        summary: 'Revoke a sign-in code',
        params: idParams('codeId'),
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await codes.revoke(actorOf(request), request.params.codeId);
      return reply.code(204).send();
    },
  );
}
