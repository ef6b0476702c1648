import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ControlPlaneError, type ApiErrorCode } from '../../controlplane/errors';
import { isDatabaseUnavailable } from '../../db/unavailable';

const codeForStatus: Record<number, ApiErrorCode> = {
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
};

function send(reply: FastifyReply, status: number, code: ApiErrorCode, message: string, field?: string) {
  return reply.code(status).send({ error: { code, message, ...(field !== undefined ? { field } : {}) } });
}

/** `body` + `/members/0/role` + missing `name` → `body.members.0.role.name`. */
function fieldOf(context: string, path: string, missing: unknown): string {
  const parts = [context, ...path.split('/').filter((p) => p !== '')];
  if (typeof missing === 'string') parts.push(missing);
  return parts.join('.');
}

interface SchemaError {
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** A short human phrase for the schema violation, after the field name. */
function describe(error: SchemaError): string {
  const { keyword, params } = error;
  if (keyword === 'required') return 'is required';
  if (keyword === 'pattern' && params.pattern === '\\S') return 'must not be blank';
  if (keyword === 'format') return `must be a valid ${String(params.format)}`;
  if (keyword === 'minProperties') return 'must contain at least one field to change';
  return error.message ?? 'is invalid';
}

/**
 * Answers every failure in the API scope as `{ error: { code, message } }`: validation failures name the
 * field, control-plane refusals keep their code, other client errors keep their status, and anything
 * unexpected becomes a 500 with no internals.
 */
export function installErrorHandler(scope: FastifyInstance, logger: Logger): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ControlPlaneError) {
      if (error.retryAfterSec !== undefined) void reply.header('retry-after', String(error.retryAfterSec));
      return send(reply, error.statusCode, error.code, error.message);
    }
    const first = error.validation?.[0];
    if (first !== undefined) {
      const context = error.validationContext ?? 'request';
      const params = first.params;
      const field = fieldOf(context, first.instancePath, params.missingProperty);
      return send(reply, 400, 'bad_request', `Invalid request: ${field} ${describe(first)}.`, field);
    }
    // A row referenced by the request vanished in a concurrent change (PostgreSQL foreign-key violation).
    if (error.code === '23503') {
      return send(
        reply,
        409,
        'conflict',
        'Something this request refers to was changed or removed meanwhile.',
      );
    }
    if (isDatabaseUnavailable(error)) {
      logger.warn(
        { err: error, method: request.method, url: request.routeOptions.url },
        'database unreachable',
      );
      void reply.header('retry-after', '5');
      return send(
        reply,
        503,
        'unavailable',
        'The database is unreachable, so nothing can be read or changed right now; talking goes on. Try again in a moment.',
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, unsupported content type, body too large) say nothing internal.
      return send(reply, status, codeForStatus[status] ?? 'bad_request', error.message);
    }
    logger.error({ err: error, method: request.method, url: request.routeOptions.url }, 'request failed');
    return send(reply, 500, 'internal', 'Something went wrong on the server. Please try again.');
  });

  scope.setNotFoundHandler((request, reply) =>
    send(reply, 404, 'not_found', `No API route for ${request.method} ${request.url.split('?')[0]}.`),
  );
}
