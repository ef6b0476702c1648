import { ErrorCode, ProtocolError } from '@squelch/protocol';

/**
 * The floor store could not answer (backing store down, command timed out, store closed). Carries the
 * protocol code 'unavailable' so the signalling layer can pass it to the client as it is; the underlying
 * failure, if any, is kept as `cause` for the logs.
 */
export class FloorStoreError extends ProtocolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Unavailable, message);
    this.name = 'FloorStoreError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export function isFloorStoreError(error: unknown): error is FloorStoreError {
  return error instanceof FloorStoreError;
}
