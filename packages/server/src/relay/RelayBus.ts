import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { TypedEmitter } from '../util/TypedEmitter';

const SrtpSchema = z.object({ cryptoSuite: z.string().min(1), keyBase64: z.string().min(1) });

/** Where one side of a pipe receives: its announced address, UDP port and (when enabled) SRTP key. */
const TupleSchema = z.object({
  ip: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  srtp: SrtpSchema.optional(),
});
export type PipeTuple = z.infer<typeof TupleSchema>;

const MessageSchema = z.discriminatedUnion('type', [
  /** Receiver → source: pipe me your stream of `channelId`; my end of the pipe listens at `tuple`. */
  z.object({
    type: z.literal('open'),
    from: z.string().min(1),
    pipeId: z.string().min(1),
    channelId: z.string().min(1),
    tuple: TupleSchema,
  }),
  /** Source → receiver: the pipe is sending from `tuple`; produce with these RTP parameters. */
  z.object({
    type: z.literal('opened'),
    from: z.string().min(1),
    pipeId: z.string().min(1),
    tuple: TupleSchema,
    rtpParameters: z.record(z.string(), z.unknown()),
  }),
  /** Source → receiver: no pipe (no stream of that channel here, or the pipe could not be made). */
  z.object({
    type: z.literal('refused'),
    from: z.string().min(1),
    pipeId: z.string().min(1),
    reason: z.string(),
  }),
  /** Either way: the pipe is gone at my end. */
  z.object({ type: z.literal('close'), from: z.string().min(1), pipeId: z.string().min(1) }),
]);
export type RelayMessage = z.infer<typeof MessageSchema>;
type Reply = Extract<RelayMessage, { type: 'opened' | 'refused' }>;

export type RelayBusEvents = {
  open: [Extract<RelayMessage, { type: 'open' }>];
  close: [Extract<RelayMessage, { type: 'close' }>];
};

export interface RelayBusOptions {
  redisUrl: string;
  keyPrefix: string;
  nodeId: string;
  /** How long a pipe request waits for the source node's answer. */
  replyTimeoutMs: number;
  logger: Logger;
}

/**
 * The messages nodes exchange to set up and tear down pipes, over Redis pub/sub: every node listens on
 * `<prefix>relay:<nodeId>`. A request ('open') is answered by 'opened' or 'refused' with the same pipe id, or
 * times out.
 *
 * Owns two Redis connections (one subscribed, one publishing) and the timers of pending requests; close()
 * ends them and fails pending requests. Idempotent.
 */
export class RelayBus {
  readonly events: TypedEmitter<RelayBusEvents>;
  readonly #options: RelayBusOptions;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #pending = new Map<
    string,
    { resolve: (reply: Reply) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  readonly #log: Logger;
  #closed = false;

  private constructor(options: RelayBusOptions) {
    this.#options = options;
    this.#log = options.logger.child({ module: 'relayBus' });
    this.events = new TypedEmitter<RelayBusEvents>(this.#log);
    const redis = (name: string): Redis => {
      const client = new Redis(options.redisUrl, {
        connectionName: name,
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => Math.min(1000, 100 * attempt),
      });
      client.on('error', (error: Error) => this.#log.debug({ err: error }, 'relay Redis error'));
      return client;
    };
    this.#pub = redis('squelch-relay-pub');
    this.#sub = redis('squelch-relay-sub');
    this.#sub.on('message', (_channel: string, text: string) => this.#receive(text));
  }

  static async start(options: RelayBusOptions): Promise<RelayBus> {
    const bus = new RelayBus(options);
    await bus.#sub.subscribe(bus.#topic(options.nodeId));
    return bus;
  }

  static newPipeId(): string {
    return randomUUID();
  }

  /** Sends a message to one node (fire and forget: a node that is gone simply never answers). */
  send(to: string, message: RelayMessage): void {
    if (this.#closed) return;
    this.#pub
      .publish(this.#topic(to), JSON.stringify(message))
      .catch((error: unknown) =>
        this.#log.warn({ err: error, to, type: message.type }, 'relay message lost'),
      );
  }

  /** Asks `to` for a pipe; resolves with its answer, rejects on timeout or close. */
  request(to: string, message: Extract<RelayMessage, { type: 'open' }>): Promise<Reply> {
    if (this.#closed) return Promise.reject(new Error('relay bus closed'));
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(message.pipeId);
        reject(
          new Error(`node ${to} did not answer a pipe request within ${this.#options.replyTimeoutMs} ms`),
        );
      }, this.#options.replyTimeoutMs);
      this.#pending.set(message.pipeId, { resolve, reject, timer });
      this.send(to, message);
    });
  }

  #topic(nodeId: string): string {
    return `${this.#options.keyPrefix}relay:${nodeId}`;
  }

  #receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = MessageSchema.safeParse(json);
    if (!parsed.success) {
      this.#log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'invalid relay message ignored');
      return;
    }
    const message = parsed.data;
    if (message.type === 'open' || message.type === 'close') {
      if (message.type === 'open') this.events.emit('open', message);
      else this.events.emit('close', message);
      return;
    }
    const pending = this.#pending.get(message.pipeId);
    if (pending === undefined) {
      // An answer after the timeout: the source made a pipe nobody waits for; tell it to close it.
      if (message.type === 'opened') {
        this.send(message.from, { type: 'close', from: this.#options.nodeId, pipeId: message.pipeId });
      }
      return;
    }
    clearTimeout(pending.timer);
    this.#pending.delete(message.pipeId);
    pending.resolve(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error('relay bus closed'));
    }
    this.#pending.clear();
    this.events.removeAllListeners();
    this.#sub.disconnect();
    await this.#pub.quit().catch(() => this.#pub.disconnect());
  }
}
