import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Session } from '../../controlplane/auth/AuthService';
import { notAuthenticated } from '../../controlplane/errors';
import type { ApiDeps } from './deps';
import { noContent, responses, sessionSchema } from './schemas';

export const REFRESH_COOKIE = 'squelch_refresh';
/** The refresh cookie is only ever sent to the auth routes. */
export const REFRESH_COOKIE_PATH = '/api/auth';

interface LoginBody {
  email: string;
  password: string;
}

/** Sends a session: the access token in the body, the refresh token (if new) as the cookie. */
export function sendSession(reply: FastifyReply, deps: ApiDeps, session: Session): FastifyReply {
  if (session.refresh !== undefined) {
    void reply.setCookie(REFRESH_COOKIE, session.refresh.token, {
      path: REFRESH_COOKIE_PATH,
      httpOnly: true,
      secure: deps.cookie.secure,
      sameSite: 'strict',
      expires: session.refresh.expiresAt,
    });
  }
  void reply.header('cache-control', 'no-store');
  return reply.send({
    accessToken: session.accessToken,
    tokenType: 'Bearer',
    expiresIn: session.expiresIn,
    user: session.user,
  });
}

/** Sign-in, refresh and sign-out. Public routes: they are how a caller gets a token. */
export function authRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const auth = deps.services.auth;

  const clearCookie = (reply: FastifyReply) =>
    reply.clearCookie(REFRESH_COOKIE, {
      path: REFRESH_COOKIE_PATH,
      httpOnly: true,
      secure: deps.cookie.secure,
      sameSite: 'strict',
    });

  app.post<{ Body: LoginBody }>(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password',
        description:
          'Returns an access token and sets the refresh cookie. Rate limited per client and e-mail.',
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', minLength: 1, maxLength: 320 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
        response: responses({ 200: sessionSchema }),
      },
    },
    async (request, reply) => {
      const session = await auth.login(request.body.email, request.body.password, request.ip);
      return sendSession(reply, deps, session);
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Get a new access token with the refresh cookie',
        description: 'Rotates the refresh cookie. Lets a session survive a page reload.',
        response: responses({ 200: sessionSchema }),
      },
    },
    async (request, reply) => {
      const token = request.cookies[REFRESH_COOKIE];
      if (token === undefined || token === '') throw notAuthenticated('No session to refresh. Sign in.');
      try {
        return sendSession(reply, deps, await auth.refresh(token));
      } catch (error) {
        clearCookie(reply);
        throw error;
      }
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: revoke the refresh cookie',
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await auth.logout(request.cookies[REFRESH_COOKIE]);
      clearCookie(reply);
      return reply.code(204).send();
    },
  );
}
