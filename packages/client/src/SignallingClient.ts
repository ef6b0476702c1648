import { ErrorCode } from '@squelch/protocol';
import type {
  ErrorBody,
  Method,
  NotificationMap,
  NotificationName,
  RequestParams,
  RequestResult,
  ServerMessage,
} from '@squelch/protocol';
import { Emitter } from './Emitter';

/** A failed request: the server's code and sentence, or a local one (timeout, disconnected). */
export class RequestError extends Error {
  readonly code: ErrorBody['code'] | 'timeout' | 'disconnected';
  constructor(code: RequestError['code'], message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

type NotificationEvents = { [N in NotificationName]: [NotificationMap[N]] };
export type SignallingEvents = NotificationEvents & {
  open: [];
  close: [{ code: number; reason: string }];
};

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One signalling WebSocket with typed request/response and notifications. It does not reconnect by itself;
 * PttClient owns the reconnection policy and creates a new SignallingClient per attempt.
 */
export class SignallingClient extends Emitter<SignallingEvents> {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  #nextId = 1;

  constructor(url: string, options: { requestTimeoutMs?: number } = {}) {
    super();
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#ws = new WebSocket(url);
    this.#ws.addEventListener('open', () => this.emit('open'));
    this.#ws.addEventListener('message', (event) => this.#onMessage(event));
    this.#ws.addEventListener('close', (event) => {
      this.#failAll('disconnected', 'The connection to the server was lost.');
      this.emit('close', { code: event.code, reason: event.reason });
    });
  }

  /** Resolves when the socket is open; rejects if it closes first. */
  opened(): Promise<void> {
    if (this.#ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offOpen = this.on('open', () => {
        offOpen();
        offClose();
        resolve();
      });
      const offClose = this.on('close', ({ code }) => {
        offOpen();
        offClose();
        reject(new RequestError('disconnected', `Could not connect to the server (close code ${code}).`));
      });
    });
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  request<M extends Method>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    if (this.#ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new RequestError('disconnected', 'Not connected to the server.'));
    }
    const id = this.#nextId++;
    return new Promise<RequestResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RequestError('timeout', `The server did not answer ${method} in time.`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Sends raw text (used by tests to check the server's handling of malformed input). */
  sendRaw(text: string): void {
    this.#ws.send(text);
  }

  close(code = 1000, reason = 'client closed'): void {
    this.#failAll('disconnected', 'The connection was closed.');
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.close(code, reason);
    }
  }

  #onMessage(event: MessageEvent): void {
    if (typeof event.data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(event.data) as ServerMessage;
    } catch {
      return;
    }
    if ('notification' in message) {
      // The server only sends notifications from NotificationMap; the pair is consistent by construction.
      (this.emit as (name: string, data: unknown) => void)(message.notification, message.data);
      return;
    }
    if (message.id === null) return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new RequestError(message.error.code, message.error.message));
  }

  #failAll(code: RequestError['code'], message: string): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new RequestError(code, message));
    }
    this.#pending.clear();
  }
}

export { ErrorCode };
