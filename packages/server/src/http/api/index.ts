import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { ControlPlaneError } from '../../controlplane/errors';
import { requireOpsToken } from '../opsToken';
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
import { passwordRoutes } from './password';
import { rosterRoutes } from './roster';
import { signinCodeAuthRoutes, signinCodeRoutes } from './signinCodes';
import { talkPriorityRoutes } from './talkPriority';
import { teamRoutes } from './teams';
import { userRoutes } from './users';

export type { ApiControlPlane, ApiDeps } from './deps';
export { REFRESH_COOKIE, REFRESH_COOKIE_PATH } from './auth';

/**
 * Mounts the control-plane REST API under /api in its own encapsulated scope: its error handler, 404 answer,
 * cookie parser and OpenAPI document apply to /api only. The auth routes are public; everything else needs
 * a bearer access token.
 */
export interface ApiOptions {
  /** Requests per client address per minute over the whole API (default 1200). */
  rateLimitPerMinute?: number;
  /** When set, the OpenAPI document needs `Authorization: Bearer <token>`. */
  docsToken?: string | undefined;
  /** More routes for the authenticated scope, from rooms beside the control plane (recordings). */
  privateRoutes?: (scope: FastifyInstance) => void;
}

export async function registerApi(
  app: FastifyInstance,
  controlPlane: ApiControlPlane,
  logger: Logger,
  options: ApiOptions = {},
): Promise<void> {
  const deps: ApiDeps = {
    services: controlPlane.services,
    logger: logger.child({ module: 'api' }),
    cookie: controlPlane.refreshCookie,
  };
  await app.register(
    async (scope) => {
      installErrorHandler(scope, deps.logger);
      // A general ceiling per client address; sign-in has its own, stricter limits (LoginLimiter).
      await scope.register(fastifyRateLimit, {
        global: false,
        max: options.rateLimitPerMinute ?? 1200,
        timeWindow: 60_000,
        cache: 50_000,
        keyGenerator: (request) => request.ip,
        errorResponseBuilder: (_request, context) =>
          new ControlPlaneError(
            'rate_limited',
            `Too many requests from this address. Try again in ${Math.ceil(context.ttl / 1000)} s.`,
            { retryAfterSec: Math.max(1, Math.ceil(context.ttl / 1000)) },
          ),
      });
      // A scope-level hook, so it runs before authentication (route-level hooks would run after it).
      scope.addHook('onRequest', scope.rateLimit());
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
      scope.get(
        '/openapi.json',
        { schema: { hide: true }, onRequest: requireOpsToken(options.docsToken) },
        () => scope.swagger(),
      );

      await scope.register((publicScope, _options, done) => {
        authRoutes(publicScope, deps);
        signinCodeAuthRoutes(publicScope, deps);
        done();
      });
      await scope.register((privateScope, _options, done) => {
        requireAuthentication(privateScope, deps.services.auth);
        meRoutes(privateScope, deps);
        passwordRoutes(privateScope, deps);
        userRoutes(privateScope, deps);
        eventRoutes(privateScope, deps);
        memberRoutes(privateScope, deps);
        teamRoutes(privateScope, deps);
        channelRoutes(privateScope, deps);
        assignmentRoutes(privateScope, deps);
        auditRoutes(privateScope, deps);
        rosterRoutes(privateScope, deps);
        signinCodeRoutes(privateScope, deps);
        talkPriorityRoutes(privateScope, deps);
        options.privateRoutes?.(privateScope);
        done();
      });
    },
    { prefix: '/api' },
  );
}
