import { CloseCode, ErrorCode, ProtocolError } from '@squelch/protocol';
import type { ErrorBody, NotificationMap, NotificationName, ServerMessage } from '@squelch/protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';

const RATE_CAPACITY = 100;
const RATE_PER_SECOND = 50;
const MAX_VIOLATIONS_PER_MINUTE = 60;

/**
 * One signalling WebSocket: sends responses and notifications, applies the per-socket rate limit and counts
 * protocol violations (a client that keeps sending garbage is disconnected with ProtocolViolation).
 */
export class Connection {
  readonly id: string;
  readonly logger: Logger;
  readonly #socket: WebSocket;
  #tokens = RATE_CAPACITY;
  #lastRefill = Date.now();
  #violations: number[] = [];
  #alive = true;

  constructor(id: string, socket: WebSocket, logger: Logger) {
    this.id = id;
    this.#socket = socket;
    this.logger = logger;
    socket.on('pong', () => {
      this.#alive = true;
    });
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Takes one token from the rate limiter; false when the client sends too fast. */
  admit(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(
      RATE_CAPACITY,
      this.#tokens + ((now - this.#lastRefill) / 1000) * RATE_PER_SECOND,
    );
    this.#lastRefill = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Records a malformed or refused message; closes the socket when there are too many in a minute. */
  violation(): void {
    const now = Date.now();
    this.#violations = this.#violations.filter((at) => now - at < 60_000);
    this.#violations.push(now);
    if (this.#violations.length > MAX_VIOLATIONS_PER_MINUTE) {
      this.close(CloseCode.ProtocolViolation, 'too many invalid messages');
    }
  }

  respond(id: number, result: unknown): void {
    this.#send({ id, ok: true, result });
  }

  fail(id: number | null, error: unknown): void {
    this.#send({ id, ok: false, error: toErrorBody(error) });
  }

  notify<N extends NotificationName>(notification: N, data: NotificationMap[N]): void {
    this.#send({ notification, data });
  }

  /** Sends a ping; returns false (and terminates) when the previous ping got no pong. */
  heartbeat(): boolean {
    if (!this.#alive) {
      this.logger.warn('signalling socket unresponsive');
      this.close(CloseCode.Unresponsive, 'no pong');
      this.#socket.terminate();
      return false;
    }
    this.#alive = false;
    if (this.open) this.#socket.ping();
    return true;
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) {
      this.#socket.close(code, reason);
    }
  }

  #send(message: ServerMessage): void {
    if (!this.open) return;
    this.#socket.send(JSON.stringify(message));
  }
}

/** Any thrown value as a wire error: protocol errors keep their code, anything else is "internal". */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ProtocolError) return error.toBody();
  return { code: ErrorCode.Internal, message: 'The server could not complete the request.' };
}
