/** Codes of control-plane API errors; clients switch on them, people read the message. */
export type ApiErrorCode =
  | 'bad_request'
  | 'not_authenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ApiErrorCode, number> = {
  bad_request: 400,
  not_authenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** A refusal with a code, an HTTP status and a sentence that is safe to show to the caller. */
export class ControlPlaneError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  /** Seconds after which a rate-limited caller may try again. */
  readonly retryAfterSec: number | undefined;

  constructor(code: ApiErrorCode, message: string, options?: { retryAfterSec?: number }) {
    super(message);
    this.name = 'ControlPlaneError';
    this.code = code;
    this.statusCode = statusOf[code];
    this.retryAfterSec = options?.retryAfterSec;
  }
}

export const notAuthenticated = (message = 'Sign in first.'): ControlPlaneError =>
  new ControlPlaneError('not_authenticated', message);
export const forbidden = (message = 'You are not allowed to do this.'): ControlPlaneError =>
  new ControlPlaneError('forbidden', message);
export const notFound = (what: string): ControlPlaneError =>
  new ControlPlaneError('not_found', `${what} not found.`);
export const conflict = (message: string): ControlPlaneError => new ControlPlaneError('conflict', message);
export const rateLimited = (retryAfterSec: number): ControlPlaneError =>
  new ControlPlaneError('rate_limited', `Too many attempts. Try again in ${retryAfterSec} s.`, {
    retryAfterSec,
  });
