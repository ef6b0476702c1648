/**
 * Error codes carried in failed responses. Every refusal a client can receive has one of these codes and
 * a human-readable sentence; clients switch on the code, people read the sentence.
 */
export const ErrorCode = {
  /** The message was not valid JSON or did not match the schema of its method. */
  BadRequest: 'bad_request',
  /** The method name is not part of the protocol. */
  UnknownMethod: 'unknown_method',
  /** The session has not authenticated yet, or its credentials were rejected. */
  NotAuthenticated: 'not_authenticated',
  /** The user is authenticated but not allowed to do this (for example, not assigned to the channel). */
  Forbidden: 'forbidden',
  /** The referenced object (channel, transport, consumer) does not exist for this session. */
  NotFound: 'not_found',
  /** The request is valid but the session is not in a state where it can be honoured. */
  InvalidState: 'invalid_state',
  /** A channel-scoped request for a channel the session has not joined. */
  NotJoined: 'not_joined',
  /** The client sends faster than the server accepts. */
  RateLimited: 'rate_limited',
  /** A dependency (database, floor store, media worker) is unavailable right now; retrying may work. */
  Unavailable: 'unavailable',
  /** An unexpected server fault. The message never contains internals. */
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** An error with a protocol code, thrown by handlers and turned into a failed response at the socket. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}
