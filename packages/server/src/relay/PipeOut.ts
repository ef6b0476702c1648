import type { Consumer, PipeTransport } from 'mediasoup/types';
import type { Logger } from 'pino';
import type { ChannelStream } from '../media/ChannelStream';
import { connectPipe, createPipeTransport, localTuple } from './pipeTransport';
import type { PipeSettings } from './pipeTransport';
import type { PipeTuple } from './RelayBus';

/**
 * The sending end of a pipe, on the node where the talker is: a PipeTransport on the channel stream's home
 * router and one pipe consumer of the stream's producer. It carries the channel stream as this node forwards
 * it (already gated and fenced here) to one other node.
 *
 * Ownership: owned by the ChannelRelay; owns its transport (closing it closes the consumer). It closes by
 * itself when the stream's producer or its router goes away, and then calls `onClosed` once.
 */
export class PipeOut {
  readonly pipeId: string;
  readonly peer: string;
  readonly channelId: string;
  readonly stream: ChannelStream;
  readonly #transport: PipeTransport;
  readonly #consumer: Consumer;
  readonly #logger: Logger;
  #onClosed: (() => void) | undefined;
  #closed = false;

  private constructor(
    init: { pipeId: string; peer: string; stream: ChannelStream },
    transport: PipeTransport,
    consumer: Consumer,
    logger: Logger,
  ) {
    this.pipeId = init.pipeId;
    this.peer = init.peer;
    this.stream = init.stream;
    this.channelId = init.stream.channelId;
    this.#transport = transport;
    this.#consumer = consumer;
    this.#logger = logger;
    consumer.on('producerclose', () => this.close());
    transport.observer.on('close', () => this.close());
  }

  static async create(options: {
    pipeId: string;
    peer: string;
    stream: ChannelStream;
    remote: PipeTuple;
    settings: PipeSettings;
    logger: Logger;
  }): Promise<{ pipe: PipeOut; tuple: PipeTuple; rtpParameters: Consumer['rtpParameters'] }> {
    const transport = await createPipeTransport(options.stream.home.router, options.settings);
    try {
      await connectPipe(transport, options.remote);
      const consumer = await transport.consume({ producerId: options.stream.producer.id });
      const logger = options.logger.child({ pipeId: options.pipeId, peer: options.peer, out: true });
      const pipe = new PipeOut(options, transport, consumer, logger);
      logger.info({ channelId: options.stream.channelId }, 'pipe out opened');
      return { pipe, tuple: localTuple(transport), rtpParameters: consumer.rtpParameters };
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called once when the pipe closes, whatever closed it. */
  onClosed(callback: () => void): void {
    this.#onClosed = callback;
  }

  /** Packets sent through the pipe so far (from the consumer's stats). */
  async packetsSent(): Promise<number> {
    if (this.#closed) return 0;
    const stats = await this.#consumer.getStats().catch(() => []);
    return stats.reduce((sum, stat) => sum + (stat.type === 'outbound-rtp' ? stat.packetCount : 0), 0);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
    this.#logger.info('pipe out closed');
    const callback = this.#onClosed;
    this.#onClosed = undefined;
    callback?.();
  }
}
