import type { FastifyInstance } from 'fastify';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import {
  displayNameSchema,
  emailSchema,
  idParams,
  listOf,
  noContent,
  passwordSchema,
  responses,
  userSchema,
} from './schemas';

interface UserParams {
  userId: string;
}

/** User accounts (admins only). */
export function userRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const users = deps.services.users;
  const tags = ['users'];
  const params = idParams('userId');

  app.get<{ Querystring: { search?: string; limit: number; offset: number } }>(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            search: { type: 'string', maxLength: 200, description: 'Part of the e-mail address or name' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: responses({ 200: listOf('users', userSchema) }),
      },
    },
    async (request) => ({ users: await users.list(actorOf(request), request.query) }),
  );

  app.post<{ Body: { email: string; displayName: string; password: string; isAdmin?: boolean } }>(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user',
        body: {
          type: 'object',
          required: ['email', 'displayName', 'password'],
          additionalProperties: false,
          properties: {
            email: emailSchema,
            displayName: displayNameSchema,
            password: passwordSchema,
            isAdmin: { type: 'boolean' },
          },
        },
        response: responses({ 201: userSchema }),
      },
    },
    async (request, reply) => reply.code(201).send(await users.create(actorOf(request), request.body)),
  );

  app.get<{ Params: UserParams }>(
    '/users/:userId',
    { schema: { tags, summary: 'Get a user', params, response: responses({ 200: userSchema }) } },
    async (request) => users.get(actorOf(request), request.params.userId),
  );

  app.patch<{
    Params: UserParams;
    Body: { email?: string; displayName?: string; isAdmin?: boolean; disabled?: boolean };
  }>(
    '/users/:userId',
    {
      schema: {
        tags,
        summary: 'Change a user: e-mail, name, administrator role, disabled',
        description: 'Disabling a user ends their sessions and removes their channel access at once.',
        params,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            email: emailSchema,
            displayName: displayNameSchema,
            isAdmin: { type: 'boolean' },
            disabled: { type: 'boolean' },
          },
        },
        response: responses({ 200: userSchema }),
      },
    },
    async (request) => users.update(actorOf(request), request.params.userId, request.body),
  );

  app.post<{ Params: UserParams; Body: { password: string } }>(
    '/users/:userId/password',
    {
      schema: {
        tags,
        summary: "Reset a user's password",
        description: 'Signs the user out everywhere.',
        params,
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { password: passwordSchema },
        },
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await users.resetPassword(actorOf(request), request.params.userId, request.body.password);
      return reply.code(204).send();
    },
  );
}
