import type { Consumer, Producer, RtpCapabilities } from 'mediasoup/types';
import type { Logger } from 'pino';
import type { ChannelStream } from './ChannelStream';
import type { MediaWorker } from './MediaWorker';
import { SilenceWatch } from './SilenceWatch';
import type { SilenceOptions } from './SilenceWatch';

/** What the tap reports when the holder of an open gate has been silent too long. */
export type SilentTalkerHandler = (event: { channelId: string; grantId: string; silentMs: number }) => void;
import type { TalkRecording } from './TalkRecorder';

/** The floor grant a gate is opened for: its id (the stream's segment key) and its fencing number. */
export interface TalkGrant {
  grantId: string;
  fence: number;
  /** An emergency's open microphone (its recording is marked as an emergency). */
  emergency?: boolean;
}

interface Gate {
  stream: ChannelStream;
  grant: TalkGrant;
  recording: TalkRecording | undefined;
}

/**
 * The server-side gate between one talker's microphone producer and the channel streams.
 *
 * A DirectTransport consumer of the producer delivers its RTP packets to Node; each packet is forwarded only
 * into the channel streams whose gate is open, and a gate is opened only by a floor grant for that channel.
 * While no gate is open the producer is also paused in the worker, so nothing is even delivered. This is where
 * "audio from anyone not holding the floor never reaches a listener" is enforced: a client that keeps sending
 * after a revoke is simply not forwarded.
 *
 * Each open gate may carry a recording of the transmission (see TalkRecorder): it receives exactly the packets
 * forwarded, and is ended when the gate closes.
 *
 * Ownership: the tap owns its DirectTransport consumer and its gates' recordings (ended on close/dispose); it
 * does not own the producer or the streams.
 */
export class TalkerTap {
  readonly #producer: Producer;
  readonly #consumer: Consumer;
  readonly #gates = new Map<string, Gate>();
  readonly #logger: Logger;
  readonly #silence: SilenceWatch;
  /** The producer's pause/resume in the worker, applied one after another (see #syncProducer). */
  #producerState: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    producer: Producer,
    consumer: Consumer,
    logger: Logger,
    silence: { options: SilenceOptions; onSilent: SilentTalkerHandler } | undefined,
  ) {
    this.#producer = producer;
    this.#consumer = consumer;
    this.#logger = logger;
    this.#silence = new SilenceWatch(
      silence?.options ?? { timeoutMs: 0, firstPacketGraceMs: 0 },
      (channelId, grantId, silentMs) => {
        // Nothing more of this grant is forwarded; the floor layer revokes it.
        this.#gates.delete(channelId);
        this.#logger.info({ channelId, grantId, silentMs }, 'talker silent: media timeout');
        silence?.onSilent({ channelId, grantId, silentMs });
      },
    );
    consumer.on('rtp', (packet) => this.#onRtp(packet));
  }

  static async create(
    producer: Producer,
    worker: MediaWorker,
    logger: Logger,
    silence?: { options: SilenceOptions; onSilent: SilentTalkerHandler },
  ): Promise<TalkerTap> {
    const capabilities: RtpCapabilities = {
      codecs: worker.router.rtpCapabilities.codecs,
      headerExtensions: [],
    };
    const consumer = await worker.directTransport.consume({
      producerId: producer.id,
      rtpCapabilities: capabilities,
      paused: false,
    });
    return new TalkerTap(producer, consumer, logger, silence);
  }

  /**
   * Starts forwarding into `stream` under the given floor grant. The stream learns the grant's fencing number,
   * so audio of any older grant stops being forwarded into it at once.
   */
  async open(stream: ChannelStream, grant: TalkGrant, recording?: TalkRecording): Promise<void> {
    if (this.#closed) {
      recording?.end();
      return;
    }
    stream.noteFence(grant.fence);
    const previous = this.#gates.get(stream.channelId);
    let kept = recording;
    if (previous !== undefined) {
      // Reopened under the same grant (a resumed session): the transmission, and its recording, go on.
      if (previous.grant.grantId === grant.grantId && recording === undefined) kept = previous.recording;
      else if (previous.recording !== recording) previous.recording?.end();
    }
    this.#gates.set(stream.channelId, { stream, grant: { ...grant }, recording: kept });
    this.#silence.opened(stream.channelId, grant.grantId);
    this.#logger.debug(
      { channelId: stream.channelId, grantId: grant.grantId, fence: grant.fence },
      'talk gate opened',
    );
    await this.#syncProducer();
  }

  /** Whether the gate into the channel is open under this grant. */
  isOpen(channelId: string, grantId: string): boolean {
    return this.#gates.get(channelId)?.grant.grantId === grantId;
  }

  /** Stops forwarding into the channel's stream at once. */
  async close(channelId: string): Promise<void> {
    this.#silence.closed(channelId);
    const gate = this.#gates.get(channelId);
    if (gate === undefined) return;
    this.#gates.delete(channelId);
    gate.recording?.end();
    this.#logger.debug({ channelId }, 'talk gate closed');
    await this.#syncProducer();
  }

  /**
   * Brings the producer in the worker in line with the gates: resumed while one is open, paused otherwise.
   * Changes queue up and each looks at the gates when its turn comes, so a close that arrives while a resume is
   * still on its way to the worker is not lost (the producer ends paused). Forwarding itself is decided by the
   * gates in this process at once; the worker's state only saves delivering packets nobody forwards.
   */
  #syncProducer(): Promise<void> {
    const next = this.#producerState.then(async () => {
      if (this.#producer.closed) return;
      const open = this.#gates.size > 0 && !this.#closed;
      if (open && this.#producer.paused) await this.#producer.resume();
      else if (!open && !this.#producer.paused) await this.#producer.pause();
    });
    this.#producerState = next.catch((error: unknown) => {
      if (!this.#producer.closed) this.#logger.warn({ err: error }, 'pausing or resuming the talker failed');
    });
    return next;
  }

  #onRtp(packet: Buffer): void {
    this.#silence.packet();
    for (const gate of this.#gates.values()) {
      if (gate.stream.forward(packet, gate.grant.grantId, gate.grant.fence)) gate.recording?.packet(packet);
    }
  }

  /** Closes every gate and the tap's consumer. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#silence.close();
    for (const gate of this.#gates.values()) gate.recording?.end();
    this.#gates.clear();
    this.#consumer.close();
  }
}
