import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { ConsumerOptions, TransportOptions } from '@squelch/protocol';
import type { SignallingClient } from './SignallingClient';
import { stateAnswerPacketTime } from './packetTime';
import { TransportWatchdog } from './TransportWatchdog';

/** Receive jitter-buffer target used when none is configured, in ms. */
export const DEFAULT_JITTER_BUFFER_TARGET_MS = 20;

export interface MediaLinkOptions {
  /** Opus packet duration to ask the encoder for (10 or 20 ms); default: the router codec's ptime. */
  ptimeMs?: number;
  /** Receive jitter-buffer target in ms, where the browser supports it (default 20). */
  jitterBufferTargetMs?: number;
  /** Watchdog timings (see TransportWatchdog). */
  disconnectedGraceMs?: number;
  restartTimeoutMs?: number;
  /**
   * 'relay' sends and receives through TURN only ("always relay", for networks that block or mangle direct
   * media). The server can require it too; either one is enough.
   */
  iceTransportPolicy?: 'all' | 'relay';
}

export interface MediaLinkHooks {
  /** The signalling client to use now (it changes when a session is resumed on a new socket). */
  signalling: () => SignallingClient;
  /** A transport could not be repaired; the owner should rebuild the media link. */
  onBroken: (reason: string) => void;
  /** Transport connection state changes, for diagnostics. */
  onTransportState?: (direction: 'send' | 'recv', state: string) => void;
}

/**
 * The Opus packet duration the server's router is configured with (its codec's `ptime` parameter), so the
 * browser's encoder is asked for the same; undefined when the capabilities do not say.
 */
export function opusPtimeOf(routerRtpCapabilities: unknown): number | undefined {
  const codecs = (routerRtpCapabilities as { codecs?: { mimeType?: string; parameters?: unknown }[] })
    ?.codecs;
  const opus = codecs?.find((codec) => codec.mimeType?.toLowerCase() === 'audio/opus');
  const ptime = (opus?.parameters as { ptime?: unknown } | undefined)?.ptime;
  return typeof ptime === 'number' && (ptime === 10 || ptime === 20) ? ptime : undefined;
}

/**
 * The browser side of one session's media: the mediasoup-client Device, at most one send and one receive
 * transport, the microphone producer and one consumer per joined channel. A MediaLink belongs to one signalling
 * session; after a reconnect PttClient builds a new one. close() closes transports (and with them producer and
 * consumers) without stopping the microphone track, which PttClient owns.
 */
export class MediaLink {
  readonly device: Device;
  readonly #hooks: MediaLinkHooks;
  readonly #options: MediaLinkOptions;
  readonly #watchdogs: TransportWatchdog[] = [];
  #send: types.Transport | undefined;
  #recv: types.Transport | undefined;
  #producer: types.Producer | undefined;
  readonly #consumers = new Map<string, types.Consumer>();
  #closed = false;
  /** The router's Opus ptime, used when the options name none. */
  #routerPtimeMs: number | undefined;

  private constructor(device: Device, hooks: MediaLinkHooks, options: MediaLinkOptions) {
    this.device = device;
    this.#hooks = hooks;
    this.#options = options;
  }

  /** Loads the device with the router's capabilities and creates the receive transport. */
  static async create(
    hooks: MediaLinkHooks,
    routerRtpCapabilities: unknown,
    options: MediaLinkOptions,
  ): Promise<MediaLink> {
    const device = await Device.factory();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
    await hooks.signalling().request('setRtpCapabilities', {
      rtpCapabilities: device.recvRtpCapabilities as unknown as {
        codecs: { kind: 'audio'; mimeType: string }[];
      },
    });
    const link = new MediaLink(device, hooks, options);
    link.#routerPtimeMs = opusPtimeOf(routerRtpCapabilities);
    link.#recv = await link.#createTransport('recv');
    return link;
  }

  get producer(): types.Producer | undefined {
    return this.#producer;
  }

  get transports(): { send?: types.Transport; recv?: types.Transport } {
    return { send: this.#send, recv: this.#recv };
  }

  /** Creates the send transport and the microphone producer, paused (no RTP leaves until a press). */
  async produce(track: MediaStreamTrack): Promise<types.Producer> {
    if (this.#producer !== undefined && !this.#producer.closed) return this.#producer;
    this.#send ??= await this.#createTransport('send');
    const producer = await this.#send.produce({
      track,
      stopTracks: false,
      zeroRtpOnPause: true,
      disableTrackOnPause: true,
      codecOptions: {
        opusStereo: false,
        opusDtx: false,
        opusFec: true,
        opusPtime: this.#options.ptimeMs ?? this.#routerPtimeMs ?? 20,
        opusMaxAverageBitrate: 32000,
      },
    });
    producer.pause();
    this.#producer = producer;
    return producer;
  }

  /** Creates the consumer for a channel's stream (the server made it when the channel was joined). */
  async consume(channelId: string, options: ConsumerOptions): Promise<MediaStreamTrack> {
    const recv = this.#recv;
    if (recv === undefined) throw new Error('No receive transport');
    this.#consumers.get(channelId)?.close();
    const consumer = await recv.consume({
      id: options.id,
      producerId: options.producerId,
      kind: 'audio',
      rtpParameters: options.rtpParameters as types.RtpParameters,
    });
    // Without an explicit target, Chromium's jitter buffer grows after each silent gap between talk turns and
    // adds ~200 ms to press-to-hear; a small explicit target keeps the start of every turn prompt.
    const target = this.#options.jitterBufferTargetMs ?? DEFAULT_JITTER_BUFFER_TARGET_MS;
    const receiver = consumer.rtpReceiver;
    if (target !== undefined && receiver !== undefined && 'jitterBufferTarget' in receiver) {
      try {
        receiver.jitterBufferTarget = target;
      } catch {
        // Out-of-range values are refused by the browser; its default stays.
      }
    }
    this.#consumers.set(channelId, consumer);
    return consumer.track;
  }

  /**
   * A flat summary of both transports' getStats() for diagnostics reports: round-trip time of the selected
   * candidate pair, packets and bytes each way, loss and jitter of what is received.
   */
  async statsSummary(): Promise<Record<string, number | string>> {
    const summary: Record<string, number | string> = {};
    for (const [direction, transport] of Object.entries(this.transports)) {
      if (transport === undefined || transport.closed) continue;
      summary[`${direction}.connectionState`] = transport.connectionState;
      let report: RTCStatsReport;
      try {
        report = await transport.getStats();
      } catch {
        continue;
      }
      report.forEach((stat: Record<string, unknown>) => {
        const add = (key: string, value: unknown): void => {
          if (typeof value === 'number')
            summary[`${direction}.${key}`] = ((summary[`${direction}.${key}`] as number) || 0) + value;
        };
        if (stat.type === 'candidate-pair' && stat.nominated === true) {
          if (typeof stat.currentRoundTripTime === 'number')
            summary[`${direction}.rttMs`] = Math.round(stat.currentRoundTripTime * 1000);
        } else if (stat.type === 'inbound-rtp') {
          add('packetsReceived', stat.packetsReceived);
          add('packetsLost', stat.packetsLost);
          if (typeof stat.jitter === 'number')
            summary[`${direction}.jitterMs`] = Math.round(stat.jitter * 1000);
        } else if (stat.type === 'outbound-rtp') {
          add('packetsSent', stat.packetsSent);
          add('bytesSent', stat.bytesSent);
        }
      });
    }
    return summary;
  }

  dropConsumer(channelId: string): void {
    this.#consumers.get(channelId)?.close();
    this.#consumers.delete(channelId);
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const signalling = (): SignallingClient => this.#hooks.signalling();
    const options: TransportOptions = await signalling().request('createTransport', { direction });
    const transportOptions = {
      id: options.id,
      iceParameters: options.iceParameters as types.IceParameters,
      iceCandidates: options.iceCandidates as types.IceCandidate[],
      dtlsParameters: options.dtlsParameters as types.DtlsParameters,
      iceServers: options.iceServers,
      iceTransportPolicy:
        this.#options.iceTransportPolicy === 'relay' || options.iceTransportPolicy === 'relay'
          ? ('relay' as const)
          : ('all' as const),
    };
    const transport =
      direction === 'send'
        ? this.device.createSendTransport(transportOptions)
        : this.device.createRecvTransport(transportOptions);
    // Firefox takes the packet time only from a media-level a=ptime, which mediasoup-client does not write.
    if (direction === 'send') stateAnswerPacketTime(transport);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      signalling()
        .request('connectTransport', {
          transportId: transport.id,
          dtlsParameters: dtlsParameters,
        })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ rtpParameters }, callback, errback) => {
        signalling()
          .request('produce', {
            transportId: transport.id,
            kind: 'audio',
            rtpParameters: rtpParameters,
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    this.#watchdogs.push(
      new TransportWatchdog(transport, {
        disconnectedGraceMs: this.#options.disconnectedGraceMs,
        restartTimeoutMs: this.#options.restartTimeoutMs,
        restartIce: async () => {
          const { iceParameters, iceServers } = await signalling().request('restartIce', {
            transportId: transport.id,
          });
          // The TURN credentials the transport was built with expire (1 h by default): take the fresh ones.
          await transport.updateIceServers({ iceServers });
          await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
        },
        rebuild: (reason) => this.#hooks.onBroken(`${direction} transport: ${reason}`),
        onState: (state) => this.#hooks.onTransportState?.(direction, state),
      }),
    );
    return transport;
  }

  /** Restarts ICE on every transport at once (after a network change), without waiting for a failure. */
  restartIce(): void {
    if (this.#closed) return;
    for (const watchdog of this.#watchdogs) watchdog.restartNow();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const watchdog of this.#watchdogs) watchdog.dispose();
    for (const consumer of this.#consumers.values()) consumer.close();
    this.#consumers.clear();
    this.#producer?.close();
    this.#send?.close();
    this.#recv?.close();
  }
}
