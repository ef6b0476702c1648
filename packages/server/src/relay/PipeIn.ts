import type { Consumer, PipeTransport, Producer, RtpParameters } from 'mediasoup/types';
import type { Logger } from 'pino';
import type { ChannelStream } from '../media/ChannelStream';
import { connectPipe, createPipeTransport, localTuple } from './pipeTransport';
import type { PipeSettings } from './pipeTransport';
import type { PipeTuple } from './RelayBus';

/**
 * Decides, per packet arriving from the source node, whether it may enter this node's channel stream: the
 * fencing number to forward it under, or null to drop it (the channel's newest grant is not held there).
 */
export type PipeGate = (source: string) => number | null;

/** Counters of one receiving pipe (for metrics). */
export interface PipeInCounters {
  received: number;
  forwarded: number;
  /** Refused by the gate: the source's packets while the newest grant is held elsewhere (fencing). */
  dropped: number;
}

/**
 * The receiving end of a pipe, on a node with listeners of the channel: a PipeTransport on the channel
 * stream's home router, the pipe producer carrying the source node's stream, and a DirectTransport consumer
 * that hands each packet to Node. There the packet goes through this node's own channel stream (its
 * rewriter and fence), exactly as a local talker's packets do, under the segment key of this pipe — so the
 * listeners here keep one SSRC and one continuous stream whoever talks on whichever node.
 *
 * Ownership: owned by the ChannelRelay; owns its transport (closing it closes the producer and the direct
 * consumer). Closes by itself when its router goes away, and then calls `onClosed` once.
 */
export class PipeIn {
  readonly pipeId: string;
  readonly source: string;
  readonly stream: ChannelStream;
  readonly counters: PipeInCounters = { received: 0, forwarded: 0, dropped: 0 };
  readonly #transport: PipeTransport;
  readonly #gate: PipeGate;
  readonly #logger: Logger;
  #producer: Producer | undefined;
  #consumer: Consumer | undefined;
  #onClosed: (() => void) | undefined;
  #closed = false;

  private constructor(
    init: { pipeId: string; source: string; stream: ChannelStream; gate: PipeGate },
    transport: PipeTransport,
    logger: Logger,
  ) {
    this.pipeId = init.pipeId;
    this.source = init.source;
    this.stream = init.stream;
    this.#gate = init.gate;
    this.#transport = transport;
    this.#logger = logger;
    transport.observer.on('close', () => this.close());
  }

  /** Makes this node's end of the pipe; `tuple` goes to the source node with the request. */
  static async create(options: {
    pipeId: string;
    source: string;
    stream: ChannelStream;
    gate: PipeGate;
    settings: PipeSettings;
    logger: Logger;
  }): Promise<{ pipe: PipeIn; tuple: PipeTuple }> {
    const transport = await createPipeTransport(options.stream.home.router, options.settings);
    const logger = options.logger.child({ pipeId: options.pipeId, peer: options.source, in: true });
    return { pipe: new PipeIn(options, transport, logger), tuple: localTuple(transport) };
  }

  get closed(): boolean {
    return this.#closed;
  }

  get channelId(): string {
    return this.stream.channelId;
  }

  /** Connects to the source's end and starts receiving (the answer to this pipe's request). */
  async complete(remote: PipeTuple, rtpParameters: RtpParameters): Promise<void> {
    if (this.#closed) return;
    // The source sends as soon as its end is made. Until this end is connected its packets are dropped, and
    // once connected, a packet whose producer does not exist yet is dropped too: so the producer and the
    // consumer come first, and connecting last lets the first packet through (a late entry hears sooner).
    const producer = await this.#transport.produce({ kind: 'audio', rtpParameters });
    this.#producer = producer;
    const router = this.stream.home.router;
    const consumer = await this.stream.home.directTransport.consume({
      producerId: producer.id,
      rtpCapabilities: { codecs: router.rtpCapabilities.codecs, headerExtensions: [] },
      paused: false,
    });
    if (this.#closed) {
      consumer.close();
      return;
    }
    this.#consumer = consumer;
    const segmentKey = `relay:${this.source}:${this.pipeId}`;
    consumer.on('rtp', (packet) => {
      this.counters.received += 1;
      const fence = this.#gate(this.source);
      if (fence !== null && this.stream.forward(packet, segmentKey, fence)) this.counters.forwarded += 1;
      else this.counters.dropped += 1;
    });
    await connectPipe(this.#transport, remote);
    this.#logger.info({ channelId: this.channelId }, 'pipe in opened');
  }

  /** RTP packets the pipe producer lost on the way from the source node (its receive stats). */
  async packetsLost(): Promise<number> {
    const producer = this.#producer;
    if (this.#closed || producer === undefined) return 0;
    const stats = await producer.getStats().catch(() => []);
    return stats.reduce((sum, stat) => sum + stat.packetsLost, 0);
  }

  onClosed(callback: () => void): void {
    this.#onClosed = callback;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#consumer?.close();
    this.#transport.close();
    this.#logger.info({ channelId: this.channelId, ...this.counters }, 'pipe in closed');
    const callback = this.#onClosed;
    this.#onClosed = undefined;
    callback?.();
  }
}
