import { ErrorCode, ProtocolError } from '@squelch/protocol';
import { NotFoundError, UnsupportedError } from 'mediasoup/errors';
import { isDatabaseUnavailable } from '../db/unavailable';

/**
 * Turns what a handler threw into a protocol error. mediasoup validates the media parameters a client sends:
 * its TypeError / UnsupportedError become bad_request with mediasoup's sentence, its NotFoundError
 * becomes not_found. A database that cannot be reached is `unavailable` (the request may work again later).
 * Anything else is an internal fault: logged by the caller, never shown to the client.
 */
export function toProtocolError(error: unknown): { error: ProtocolError; internal: boolean } {
  if (error instanceof ProtocolError) return { error, internal: false };
  if (error instanceof UnsupportedError || error instanceof TypeError) {
    return {
      error: new ProtocolError(
        ErrorCode.BadRequest,
        `Invalid media parameters: ${error.message.slice(0, 200)}`,
      ),
      internal: false,
    };
  }
  if (error instanceof NotFoundError) {
    return { error: new ProtocolError(ErrorCode.NotFound, error.message.slice(0, 200)), internal: false };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      error: new ProtocolError(
        ErrorCode.Unavailable,
        'The database is unreachable right now, so this cannot be checked; channels already joined keep working. Try again in a moment.',
      ),
      internal: false,
    };
  }
  return {
    error: new ProtocolError(ErrorCode.Internal, 'The server could not complete the request.'),
    internal: true,
  };
}
