import { randomInt } from 'node:crypto';
import type { PipeToRouterResult, Producer, RtpParameters } from 'mediasoup/types';
import type { Logger } from 'pino';
import type { MediaWorker } from './MediaWorker';
import { pttOpusParameters } from './opus';
import type { OpusPtime } from './opus';
import { RtpRewriter } from './RtpRewriter';

export interface ChannelStreamOptions {
  channelId: string;
  /** The worker whose router carries the stream's producer. */
  home: MediaWorker;
  ptime: OpusPtime;
  logger: Logger;
}

function opusPayloadType(worker: MediaWorker): number {
  const codec = worker.router.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'audio/opus');
  if (codec?.preferredPayloadType === undefined) throw new Error('Router has no Opus codec');
  return codec.preferredPayloadType;
}

/**
 * The server-owned audio stream of one channel: what every listener of the channel hears.
 *
 * It is a DirectTransport producer on the home worker's router, fed from Node with the packets of whoever holds
 * the floor (see TalkerTap), rewritten by an RtpRewriter so the stream stays one continuous RTP stream across
 * talkers. Listeners on other workers consume a pipe of it (`router.pipeToRouter`), created the first time a
 * listener on that worker needs it and kept while the stream lives.
 *
 * Ownership: the stream owns its producer and its pipes; close() closes the producer, which makes mediasoup
 * close the pipes and every listener consumer of the stream.
 */
export class ChannelStream {
  readonly channelId: string;
  readonly home: MediaWorker;
  readonly producer: Producer;
  readonly #rewriter: RtpRewriter;
  readonly #pipes = new Map<MediaWorker, Promise<PipeToRouterResult>>();
  readonly #logger: Logger;
  /** The newest fencing number known for the channel: only that grant's audio is forwarded. */
  #newestFence = 0;
  #staleDropped = 0;
  #closed = false;

  private constructor(options: ChannelStreamOptions, producer: Producer, rewriter: RtpRewriter) {
    this.channelId = options.channelId;
    this.home = options.home;
    this.producer = producer;
    this.#rewriter = rewriter;
    this.#logger = options.logger;
  }

  static async create(options: ChannelStreamOptions): Promise<ChannelStream> {
    const payloadType = opusPayloadType(options.home);
    const ssrc = randomInt(1, 0xffff_ffff);
    const rtpParameters: RtpParameters = {
      codecs: [
        {
          mimeType: 'audio/opus',
          payloadType,
          clockRate: 48000,
          channels: 2,
          parameters: pttOpusParameters(options.ptime),
          rtcpFeedback: [],
        },
      ],
      encodings: [{ ssrc }],
      headerExtensions: [],
      rtcp: { cname: `squelch-${options.channelId}`, reducedSize: true },
    };
    const producer = await options.home.directTransport.produce({
      kind: 'audio',
      rtpParameters,
      appData: { channelId: options.channelId },
    });
    const rewriter = new RtpRewriter({ ssrc, payloadType, clockRate: 48000 });
    const logger = options.logger.child({ channelId: options.channelId });
    logger.debug({ producerId: producer.id, worker: options.home.index }, 'channel stream created');
    return new ChannelStream({ ...options, logger }, producer, rewriter);
  }

  get closed(): boolean {
    return this.#closed || this.producer.closed;
  }

  /** Raises the newest fencing number known for the channel (a grant seen on any node). Never lowers it. */
  noteFence(fence: number): void {
    if (fence > this.#newestFence) this.#newestFence = fence;
  }

  get newestFence(): number {
    return this.#newestFence;
  }

  /** Packets refused because their grant was older than the newest one (a stalled or superseded talker). */
  get staleDropped(): number {
    return this.#staleDropped;
  }

  /**
   * Feeds one RTP packet of the current talker into the stream. `segmentKey` identifies the talker's grant;
   * a new key starts a new segment (sequence and timestamp continue from the previous talker's). A packet of a
   * grant older than the newest known one (`fence` below it) is dropped: fencing. Returns whether the packet was
   * forwarded to the listeners.
   */
  forward(packet: Buffer, segmentKey: string, fence: number): boolean {
    if (this.closed) return false;
    if (fence < this.#newestFence) {
      this.#staleDropped += 1;
      return false;
    }
    const rewritten = this.#rewriter.rewrite(packet, segmentKey);
    if (rewritten === null) return false;
    this.producer.send(rewritten);
    return true;
  }

  /** The id of a producer carrying this stream on `worker`'s router (the stream itself, or a pipe of it). */
  async producerIdOn(worker: MediaWorker): Promise<string> {
    if (worker === this.home) return this.producer.id;
    let pipe = this.#pipes.get(worker);
    if (pipe === undefined) {
      pipe = this.home.router.pipeToRouter({ producerId: this.producer.id, router: worker.router });
      this.#pipes.set(worker, pipe);
      pipe.catch(() => this.#pipes.delete(worker));
    }
    const result = await pipe;
    if (result.pipeProducer === undefined) throw new Error('pipeToRouter returned no producer');
    return result.pipeProducer.id;
  }

  /** Forgets the pipe to a worker that died (its objects are gone with it). */
  forgetWorker(worker: MediaWorker): void {
    this.#pipes.delete(worker);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Closing the producer makes mediasoup close the pipe consumers, hence the pipe producers and every
    // consumer of them.
    this.producer.close();
    this.#pipes.clear();
    this.#logger.debug('channel stream closed');
  }
}
