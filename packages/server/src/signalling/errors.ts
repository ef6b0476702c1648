import { ErrorCode, ProtocolError } from '@squelch/protocol';
import { NotFoundError, UnsupportedError } from 'mediasoup/errors';

/**
 * Turns what a handler threw into a protocol error. mediasoup validates the media parameters a client sends:
 * its TypeError / UnsupportedError become bad_request with mediasoup's sentence, its NotFoundError
 * becomes not_found. Anything else is an internal fault: logged by the caller, never shown to the client.
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
  return {
    error: new ProtocolError(ErrorCode.Internal, 'The server could not complete the request.'),
    internal: true,
  };
}
