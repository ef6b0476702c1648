import type { FastifyInstance } from 'fastify';
import { sendSession } from './auth';
import { actorOf } from './authenticate';
import type { ApiDeps } from './deps';
import { passwordSchema, responses, sessionSchema } from './schemas';

interface ChangePasswordBody {
  currentPassword: string;
  newPassword: string;
}

/** A signed-in person changes their own password. */
export function passwordRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: ChangePasswordBody }>(
    '/me/password',
    {
      schema: {
        tags: ['me'],
        summary: 'Change my own password',
        description:
          'Needs the current password (rate limited like sign-in). The new one must pass the password policy ' +
          '(at least 8 characters and not easy to guess). Ends every other session of the person; answers a ' +
          'fresh session for this device and sets a new refresh cookie.',
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: {
            currentPassword: { type: 'string', minLength: 1, maxLength: 1024 },
            newPassword: passwordSchema,
          },
        },
        response: responses({ 200: sessionSchema }),
      },
    },
    async (request, reply) => {
      const session = await deps.services.auth.changePassword(
        actorOf(request),
        request.body.currentPassword,
        request.body.newPassword,
        request.ip,
      );
      return sendSession(reply, deps, session);
    },
  );
}
