import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService } from '../../controlplane/auth/AuthService';
import { notAuthenticated } from '../../controlplane/errors';
import type { Actor } from '../../controlplane/types';

const actors = new WeakMap<FastifyRequest, Actor>();

/** Requires a valid bearer access token on every route of the scope, before validation runs. */
export function requireAuthentication(scope: FastifyInstance, auth: AuthService): void {
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
  });
  scope.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = header !== undefined ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match?.[1] === undefined) {
      throw notAuthenticated('Sign in first: send the access token as "Authorization: Bearer <token>".');
    }
    const actor = await auth.authenticate(match[1]);
    if (actor === null)
      throw notAuthenticated('The access token is invalid or has expired. Refresh it or sign in.');
    actors.set(request, actor);
  });
}

/** The signed-in caller of a route inside an authenticated scope. */
export function actorOf(request: FastifyRequest): Actor {
  const actor = actors.get(request);
  if (actor === undefined) throw notAuthenticated();
  return actor;
}
