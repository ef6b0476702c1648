import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { assignmentRoutes } from './assignments';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { requireAuthentication } from './authenticate';
import { channelRoutes } from './channels';
import type { Logger } from 'pino';
import type { ApiControlPlane, ApiDeps } from './deps';
import { installErrorHandler } from './errorHandler';
import { eventRoutes } from './events';
import { memberRoutes } from './members';
import { meRoutes } from './me';
import { teamRoutes } from './teams';
import { userRoutes } from './users';

export type { ApiControlPlane, ApiDeps } from './deps';
export { REFRESH_COOKIE, REFRESH_COOKIE_PATH } from './auth';

/**
 * Mounts the control-plane REST API under /api in its own encapsulated scope: its error handler, 404 answer,
 * cookie parser and OpenAPI document apply to /api only. The auth routes are public; everything else needs
 * a bearer access token.
 */
export async function registerApi(
  app: FastifyInstance,
  controlPlane: ApiControlPlane,
  logger: Logger,
): Promise<void> {
  const deps: ApiDeps = {
    services: controlPlane.services,
    logger: logger.child({ module: 'api' }),
    cookie: controlPlane.refreshCookie,
  };
  await app.register(
    async (scope) => {
      installErrorHandler(scope, deps.logger);
      if (!scope.hasRequestDecorator('cookies')) await scope.register(fastifyCookie);
      if (!scope.hasDecorator('swagger')) {
        await scope.register(fastifySwagger, {
          openapi: {
            openapi: '3.0.3',
            info: {
              title: 'Squelch control plane',
              description: 'Users, roles, events, teams, channels and their assignments.',
              version: '1',
            },
            components: {
              securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
            },
          },
        });
      }
      scope.get('/openapi.json', { schema: { hide: true } }, () => scope.swagger());

      await scope.register((publicScope, _options, done) => {
        authRoutes(publicScope, deps);
        done();
      });
      await scope.register((privateScope, _options, done) => {
        requireAuthentication(privateScope, deps.services.auth);
        meRoutes(privateScope, deps);
        userRoutes(privateScope, deps);
        eventRoutes(privateScope, deps);
        memberRoutes(privateScope, deps);
        teamRoutes(privateScope, deps);
        channelRoutes(privateScope, deps);
        assignmentRoutes(privateScope, deps);
        auditRoutes(privateScope, deps);
        done();
      });
    },
    { prefix: '/api' },
  );
}
