import { ErrorCode, ProtocolError } from '@squelch/protocol';
import type { ConsumerOptions, IceServer, TransportDirection, TransportOptions } from '@squelch/protocol';
import type {
  Consumer,
  DtlsParameters,
  Producer,
  RtpCapabilities,
  RtpParameters,
  WebRtcTransport,
} from 'mediasoup/types';
import type { Logger } from 'pino';
import { TypedEmitter } from '../util/TypedEmitter';
import type { ChannelStreamLease, ChannelStreams } from './ChannelStreams';
import type { MediaWorker } from './MediaWorker';
import { TalkerTap } from './TalkerTap';
import type { TalkGrant } from './TalkerTap';
import type { SilenceOptions } from './SilenceWatch';
import type { TalkRecorder } from './TalkRecorder';

export interface SessionMediaOptions {
  worker: MediaWorker;
  streams: ChannelStreams;
  iceServers: () => IceServer[];
  /** Records this session's transmissions (see TalkRecorder). */
  recorder?: TalkRecorder;
  /** Who talks through this session (written with each recording). */
  talker: { userId: string; displayName: string };
  /** 'relay': clients must use TURN only (SQUELCH_TURN_RELAY_ONLY). Default 'all'. */
  iceTransportPolicy?: 'all' | 'relay';
  logger: Logger;
  /** The silent-holder watch of this session's talk gates (off when absent). */
  silence?: SilenceOptions;
}

interface Listening {
  lease: ChannelStreamLease;
  consumer: Consumer;
  /** Muted while this session itself holds the channel's floor (a talker does not hear itself). */
  selfMuted: boolean;
}

export type SessionMediaEvents = {
  transportState: [{ transportId: string; iceState?: string; dtlsState?: string }];
  /** A listening consumer was closed by the server side (its channel stream went away). */
  listenLost: [{ channelId: string }];
  /** A transport was closed from underneath the session (its worker died, or an operator closed it). */
  transportLost: [{ direction: TransportDirection }];
  /** The holder of an open talk gate sent no audio for the media timeout; the gate is closed already. */
  talkerSilent: [{ channelId: string; grantId: string; silentMs: number }];
};

/**
 * Everything one client session owns in mediasoup: at most one send and one receive WebRtcTransport (on one
 * worker, whatever the number of channels), one microphone producer (created paused), its talker tap, and one
 * consumer per channel listened to.
 *
 * Ownership and close cascade: close() disposes the tap, closes both transports (mediasoup then closes the
 * producer and every consumer on them) and drops this session's references on channel streams.
 */
export class SessionMedia {
  readonly worker: MediaWorker;
  readonly events: TypedEmitter<SessionMediaEvents>;
  readonly #streams: ChannelStreams;
  readonly #iceServers: () => IceServer[];
  readonly #recorder: TalkRecorder | undefined;
  readonly #talker: { userId: string; displayName: string };
  readonly #iceTransportPolicy: 'all' | 'relay';
  readonly #logger: Logger;
  readonly #silence: SilenceOptions | undefined;
  readonly #transports: { send?: WebRtcTransport; recv?: WebRtcTransport } = {};
  readonly #listening = new Map<string, Listening>();
  #rtpCapabilities: RtpCapabilities | undefined;
  #producer: Producer | undefined;
  #tap: TalkerTap | undefined;
  #closed = false;

  constructor(options: SessionMediaOptions) {
    this.worker = options.worker;
    this.#streams = options.streams;
    this.#iceServers = options.iceServers;
    this.#recorder = options.recorder;
    this.#talker = options.talker;
    this.#iceTransportPolicy = options.iceTransportPolicy ?? 'all';
    this.#logger = options.logger;
    this.#silence = options.silence;
    this.events = new TypedEmitter<SessionMediaEvents>(options.logger);
  }

  get transportCount(): number {
    return (this.#transports.send ? 1 : 0) + (this.#transports.recv ? 1 : 0);
  }

  /** Ids of the session's transports (diagnostics). */
  get transportIds(): { send?: string; recv?: string } {
    return { send: this.#transports.send?.id, recv: this.#transports.recv?.id };
  }

  get consumerCount(): number {
    return this.#listening.size;
  }

  get hasProducer(): boolean {
    return this.#producer !== undefined && !this.#producer.closed;
  }

  setRtpCapabilities(capabilities: RtpCapabilities): void {
    this.#rtpCapabilities = capabilities;
  }

  async createTransport(direction: TransportDirection): Promise<TransportOptions> {
    this.#assertOpen();
    const previous = this.#transports[direction];
    if (previous !== undefined) {
      this.#logger.info({ transportId: previous.id, direction }, 'replacing transport');
      this.#closeTransport(direction);
    }
    const transport = await this.worker.router.createWebRtcTransport({
      webRtcServer: this.worker.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 300_000,
      appData: { direction },
    });
    if (this.#closed) {
      transport.close();
      throw new ProtocolError(ErrorCode.InvalidState, 'The session closed while the transport was created.');
    }
    this.#transports[direction] = transport;
    this.worker.transports += 1;
    // Closes made by this class remove the transport from #transports first; any other close is a loss.
    transport.observer.on('close', () => {
      if (this.#transports[direction] !== transport) return;
      this.#logger.warn({ transportId: transport.id, direction }, 'transport closed under the session');
      this.events.emit('transportLost', { direction });
    });
    transport.on('icestatechange', (iceState) => {
      this.#logger.info({ transportId: transport.id, direction, iceState }, 'ICE state changed');
      this.events.emit('transportState', { transportId: transport.id, iceState });
    });
    transport.on('dtlsstatechange', (dtlsState) => {
      const log = dtlsState === 'failed' || dtlsState === 'closed' ? 'warn' : 'info';
      this.#logger[log]({ transportId: transport.id, direction, dtlsState }, 'DTLS state changed');
      this.events.emit('transportState', { transportId: transport.id, dtlsState });
    });
    this.#logger.info({ transportId: transport.id, direction }, 'transport created');
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      iceServers: this.#iceServers(),
      iceTransportPolicy: this.#iceTransportPolicy,
    };
  }

  async connectTransport(transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    await this.#transportById(transportId).connect({ dtlsParameters });
  }

  /** New ICE parameters for a transport, with fresh TURN credentials for the browser's side of the restart. */
  async restartIce(transportId: string): Promise<{ iceParameters: unknown; iceServers: IceServer[] }> {
    const iceParameters = await this.#transportById(transportId).restartIce();
    return { iceParameters, iceServers: this.#iceServers() };
  }

  async produce(transportId: string, rtpParameters: RtpParameters): Promise<string> {
    const transport = this.#transportById(transportId);
    if (transport !== this.#transports.send) {
      throw new ProtocolError(ErrorCode.InvalidState, 'Audio can only be produced on the send transport.');
    }
    if (this.hasProducer) {
      throw new ProtocolError(ErrorCode.InvalidState, 'This session already has a microphone producer.');
    }
    this.#logger.debug({ rtpParameters }, 'creating microphone producer');
    // Always created paused: only a floor grant resumes it (see TalkerTap).
    const producer = await transport.produce({ kind: 'audio', rtpParameters, paused: true });
    try {
      this.#tap?.dispose();
      this.#tap = await TalkerTap.create(
        producer,
        this.worker,
        this.#logger,
        this.#silence === undefined
          ? undefined
          : { options: this.#silence, onSilent: (event) => this.events.emit('talkerSilent', event) },
      );
    } catch (error) {
      producer.close();
      throw error;
    }
    this.#producer = producer;
    producer.on('transportclose', () => {
      this.#tap?.dispose();
      this.#tap = undefined;
      this.#producer = undefined;
    });
    this.#logger.info({ producerId: producer.id }, 'microphone producer created');
    return producer.id;
  }

  /** Starts listening to a channel: one consumer of its stream, created now and kept until leave. */
  async listen(channelId: string): Promise<ConsumerOptions> {
    this.#assertOpen();
    const existing = this.#listening.get(channelId);
    if (existing !== undefined && !existing.consumer.closed) return this.#consumerOptions(existing.consumer);
    const recv = this.#transports.recv;
    if (recv === undefined) {
      throw new ProtocolError(
        ErrorCode.InvalidState,
        'Create the receive transport before joining a channel.',
      );
    }
    const capabilities = this.#rtpCapabilities;
    if (capabilities === undefined) {
      throw new ProtocolError(ErrorCode.InvalidState, 'Send setRtpCapabilities before joining a channel.');
    }
    const lease = await this.#streams.acquire(channelId, this.worker);
    try {
      const producerId = await lease.stream.producerIdOn(this.worker);
      if (!this.worker.router.canConsume({ producerId, rtpCapabilities: capabilities })) {
        throw new ProtocolError(ErrorCode.BadRequest, 'The browser cannot receive Opus audio.');
      }
      const consumer = await recv.consume({ producerId, rtpCapabilities: capabilities, paused: false });
      if (this.#closed) {
        consumer.close();
        throw new ProtocolError(ErrorCode.InvalidState, 'The session closed while joining.');
      }
      const listening: Listening = { lease, consumer, selfMuted: false };
      this.#listening.get(channelId)?.lease.release();
      this.#listening.set(channelId, listening);
      consumer.on('producerclose', () => {
        if (this.#listening.get(channelId) !== listening) return;
        this.#listening.delete(channelId);
        lease.release();
        this.events.emit('listenLost', { channelId });
      });
      return this.#consumerOptions(consumer);
    } catch (error) {
      lease.release();
      throw error;
    }
  }

  /** Stops listening to (and talking on) a channel. */
  async unlisten(channelId: string): Promise<void> {
    await this.#tap?.close(channelId);
    const listening = this.#listening.get(channelId);
    if (listening === undefined) return;
    this.#listening.delete(channelId);
    listening.consumer.close();
    listening.lease.release();
  }

  isListening(channelId: string): boolean {
    return this.#listening.has(channelId);
  }

  /**
   * Opens this session's talk gate into the channel's stream for a floor grant, and mutes its own consumer of
   * that channel so the talker does not hear itself.
   */
  async startTalking(channelId: string, grant: TalkGrant): Promise<boolean> {
    const listening = this.#listening.get(channelId);
    const tap = this.#tap;
    if (listening === undefined || tap === undefined) return false;
    listening.selfMuted = true;
    const recording = tap.isOpen(channelId, grant.grantId)
      ? undefined
      : this.#recorder?.begin({
          channelId,
          grantId: grant.grantId,
          grantNumber: grant.fence,
          talkerId: this.#talker.userId,
          talkerName: this.#talker.displayName,
          emergency: grant.emergency === true,
        });
    await Promise.all([tap.open(listening.lease.stream, grant, recording), listening.consumer.pause()]);
    return true;
  }

  /** Closes the talk gate for a channel at once and unmutes this session's own listening. */
  async stopTalking(channelId: string): Promise<void> {
    await this.#tap?.close(channelId);
    const listening = this.#listening.get(channelId);
    if (listening?.selfMuted === true) {
      listening.selfMuted = false;
      if (!listening.consumer.closed) await listening.consumer.resume();
    }
  }

  #consumerOptions(consumer: Consumer): ConsumerOptions {
    return {
      id: consumer.id,
      producerId: consumer.producerId,
      kind: 'audio',
      rtpParameters: consumer.rtpParameters,
    };
  }

  #transportById(transportId: string): WebRtcTransport {
    for (const transport of [this.#transports.send, this.#transports.recv]) {
      if (transport?.id === transportId && !transport.closed) return transport;
    }
    throw new ProtocolError(ErrorCode.NotFound, `No transport ${transportId} in this session.`);
  }

  #closeTransport(direction: TransportDirection): void {
    const transport = this.#transports[direction];
    if (transport === undefined) return;
    delete this.#transports[direction];
    this.worker.transports -= 1;
    if (direction === 'recv') {
      for (const listening of this.#listening.values()) listening.lease.release();
      this.#listening.clear();
    } else {
      this.#tap?.dispose();
      this.#tap = undefined;
      this.#producer = undefined;
    }
    transport.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new ProtocolError(ErrorCode.InvalidState, 'The session is closed.');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeTransport('send');
    this.#closeTransport('recv');
    this.events.removeAllListeners();
  }
}
