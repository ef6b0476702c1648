import { shouldReconnect } from '@squelch/protocol';
import type {
  AuthenticateResult,
  FloorRequestResult,
  FloorRevokeReason,
  FloorState,
} from '@squelch/protocol';
import { ChannelAudio } from './ChannelAudio';
import { Emitter } from './Emitter';
import { MediaLink } from './MediaLink';
import type { MediaLinkOptions } from './MediaLink';
import { openMicrophone } from './microphone';
import type { MicrophoneOptions } from './microphone';
import { ExponentialBackoff } from './ReconnectPolicy';
import type { ReconnectPolicy } from './ReconnectPolicy';
import { RequestError, SignallingClient } from './SignallingClient';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface ChannelView {
  channelId: string;
  floor: FloorState;
  /** This client holds the floor of the channel and its audio is being forwarded. */
  transmitting: boolean;
}

export type TransmitEvent =
  | { channelId: string; state: 'requesting' }
  | { channelId: string; state: 'granted'; maxDurationMs: number }
  | { channelId: string; state: 'denied'; result: Exclude<FloorRequestResult, { granted: true }> }
  | { channelId: string; state: 'ended'; reason: 'released' | FloorRevokeReason | 'disconnected' };

export type PttClientEvents = {
  connection: [ConnectionState];
  channel: [ChannelView];
  transmit: [TransmitEvent];
  accessRevoked: [{ channelId: string; reason: string }];
  /** A channel's received audio track is available (after join, and again after a reconnect). */
  track: [{ channelId: string; track: MediaStreamTrack }];
  error: [Error];
};

export interface PttClientOptions {
  /** Signalling URL, e.g. wss://host:8443/ws */
  url: string;
  /** Returns a current access token (refreshing it when needed). */
  getToken: () => Promise<string>;
  reconnectPolicy?: ReconnectPolicy;
  media?: MediaLinkOptions;
  microphone?: MicrophoneOptions;
  /** Play received audio through audio elements (default true). */
  playback?: boolean;
}

interface Channel {
  view: ChannelView;
  audio?: ChannelAudio;
}

const DENIED_OFFLINE: Exclude<FloorRequestResult, { granted: true }> = {
  granted: false,
  reason: 'unavailable',
  message: 'Not connected to the server; the press was not sent.',
};

/**
 * A push-to-talk client: connect, join channels, press and release, hear what the server forwards.
 *
 * It owns the signalling socket and its reconnection (an injected ReconnectPolicy), the media link (transports,
 * producer, consumers), the microphone track and one audio player per channel. After a reconnect it rejoins the
 * channels the user had joined; a press while disconnected is refused visibly, never queued.
 */
export class PttClient extends Emitter<PttClientEvents> {
  readonly #options: PttClientOptions;
  readonly #policy: ReconnectPolicy;
  readonly #channels = new Map<string, Channel>();
  #signalling: SignallingClient | undefined;
  #link: MediaLink | undefined;
  #session: AuthenticateResult | undefined;
  #microphone: MediaStreamTrack | undefined;
  #state: ConnectionState = 'disconnected';
  #heartbeats = new Map<string, ReturnType<typeof setInterval>>();
  /** Presses waiting for the server's answer; a release during the wait cancels them. */
  #pendingPress = new Map<string, { cancelled: boolean }>();
  #closed = false;
  #reconnecting = false;

  constructor(options: PttClientOptions) {
    super();
    this.#options = options;
    this.#policy = options.reconnectPolicy ?? new ExponentialBackoff();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get session(): AuthenticateResult | undefined {
    return this.#session;
  }

  get microphone(): MediaStreamTrack | undefined {
    return this.#microphone;
  }

  get signalling(): SignallingClient | undefined {
    return this.#signalling;
  }

  get mediaLink(): MediaLink | undefined {
    return this.#link;
  }

  channels(): ChannelView[] {
    return [...this.#channels.values()].map((channel) => channel.view);
  }

  channel(channelId: string): ChannelView | undefined {
    return this.#channels.get(channelId)?.view;
  }

  /** The received audio track of a joined channel. */
  channelTrack(channelId: string): MediaStreamTrack | undefined {
    return this.#channels.get(channelId)?.audio?.track;
  }

  /** Connects, authenticates and prepares receiving. Rejects if the first attempt fails. */
  async connect(): Promise<void> {
    this.#closed = false;
    this.#setState('connecting');
    try {
      await this.#establish();
      this.#setState('connected');
    } catch (error) {
      this.#setState('disconnected');
      throw error;
    }
  }

  /** Opens the microphone (call from a user gesture) and creates the paused producer. */
  async enableMicrophone(track?: MediaStreamTrack): Promise<void> {
    const microphone = track ?? (await openMicrophone(this.#options.microphone));
    if (this.#microphone !== undefined && this.#microphone !== microphone) this.#microphone.stop();
    this.#microphone = microphone;
    if (this.#link !== undefined) await this.#link.produce(microphone);
  }

  /** Joins a channel (muted: nothing is sent until a press). Joining a joined channel changes nothing. */
  async join(channelId: string): Promise<ChannelView> {
    let channel = this.#channels.get(channelId);
    if (channel?.audio !== undefined) return channel.view;
    if (channel === undefined) {
      channel = { view: { channelId, floor: { state: 'idle' }, transmitting: false } };
      this.#channels.set(channelId, channel);
    }
    try {
      await this.#joinOnServer(channelId);
    } catch (error) {
      this.#channels.delete(channelId);
      throw error;
    }
    return channel.view;
  }

  async leave(channelId: string): Promise<void> {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return;
    if (channel.view.transmitting) await this.release(channelId);
    this.#channels.delete(channelId);
    channel.audio?.close();
    this.#link?.dropConsumer(channelId);
    if (this.#signalling?.isOpen === true) await this.#signalling.request('leave', { channelId });
  }

  /**
   * Asks for the floor. The microphone starts sending at once (the server forwards it only after the grant),
   * so a granted press loses no speech to the round trip.
   */
  async press(channelId: string): Promise<FloorRequestResult> {
    const signalling = this.#signalling;
    const producer = this.#link?.producer;
    if (signalling?.isOpen !== true || this.#state !== 'connected') {
      this.emit('transmit', { channelId, state: 'denied', result: DENIED_OFFLINE });
      return DENIED_OFFLINE;
    }
    const channel = this.#channels.get(channelId);
    if (channel?.view.transmitting === true) {
      return {
        granted: true,
        grantId: '',
        expiresAt: 0,
        maxDurationMs: this.#session?.floor.maxDurationMs ?? 0,
      };
    }
    const pending = { cancelled: false };
    this.#pendingPress.set(channelId, pending);
    producer?.resume();
    this.emit('transmit', { channelId, state: 'requesting' });
    let result: FloorRequestResult;
    try {
      result = await signalling.request('floor.request', { channelId });
    } catch (error) {
      result = {
        granted: false,
        reason: 'unavailable',
        message: error instanceof Error ? error.message : 'The request failed.',
      };
    } finally {
      if (this.#pendingPress.get(channelId) === pending) this.#pendingPress.delete(channelId);
    }
    if (!result.granted) {
      this.#pauseIfIdle();
      this.emit('transmit', { channelId, state: 'denied', result });
      return result;
    }
    if (channel === undefined || pending.cancelled || !this.#channels.has(channelId)) {
      // Released (or left) while the request was in flight: give the floor straight back.
      this.#pauseIfIdle();
      void signalling.request('floor.release', { channelId }).catch(() => undefined);
      this.emit('transmit', { channelId, state: 'ended', reason: 'released' });
      return result;
    }
    channel.view = { ...channel.view, transmitting: true };
    this.#startHeartbeat(channelId);
    this.emit('channel', channel.view);
    this.emit('transmit', { channelId, state: 'granted', maxDurationMs: result.maxDurationMs });
    return result;
  }

  /** Stops transmitting on a channel (or cancels a press still waiting for its answer). */
  async release(channelId: string): Promise<void> {
    const pending = this.#pendingPress.get(channelId);
    if (pending !== undefined) pending.cancelled = true;
    const channel = this.#channels.get(channelId);
    if (channel === undefined || !channel.view.transmitting) {
      this.#pauseIfIdle();
      return;
    }
    this.#endTransmission(channelId, 'released');
    try {
      await this.#signalling?.request('floor.release', { channelId });
    } catch (error) {
      // The server releases the floor itself when the socket is gone or the lock expires.
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Starts reconnecting now (after the policy gave up, e.g. from a "retry" button). */
  retryNow(): void {
    if (this.#state === 'failed' || this.#state === 'disconnected') void this.#reconnect();
  }

  /** Resumes audio players that autoplay blocked; call from a user gesture. */
  resumeAudio(): void {
    for (const channel of this.#channels.values()) channel.audio?.resume();
  }

  setChannelVolume(channelId: string, volume: number): void {
    this.#channels.get(channelId)?.audio?.setVolume(volume);
  }

  async #establish(): Promise<void> {
    const token = await this.#options.getToken();
    const signalling = new SignallingClient(this.#options.url);
    try {
      await signalling.opened();
      const session = await signalling.request('authenticate', { token });
      const link = await MediaLink.create(
        signalling,
        session.routerRtpCapabilities,
        this.#options.media ?? {},
      );
      this.#teardownMedia();
      this.#signalling?.close();
      this.#signalling = signalling;
      this.#session = session;
      this.#link = link;
      this.#wire(signalling);
      if (this.#microphone !== undefined && this.#microphone.readyState === 'live') {
        await link.produce(this.#microphone);
      }
      for (const channelId of [...this.#channels.keys()]) {
        try {
          await this.#joinOnServer(channelId);
        } catch (error) {
          this.#channels.delete(channelId);
          this.emit('error', error instanceof Error ? error : new Error(String(error)));
        }
      }
    } catch (error) {
      signalling.close();
      throw error;
    }
  }

  async #joinOnServer(channelId: string): Promise<void> {
    const signalling = this.#signalling;
    const link = this.#link;
    if (signalling === undefined || link === undefined)
      throw new RequestError('disconnected', 'Not connected.');
    const result = await signalling.request('join', { channelId });
    const track = await link.consume(channelId, result.consumer);
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return;
    channel.audio?.close();
    channel.audio = new ChannelAudio(track, { play: this.#options.playback ?? true, volume: 1 });
    channel.view = { channelId, floor: result.floor, transmitting: false };
    this.emit('track', { channelId, track });
    this.emit('channel', channel.view);
  }

  #wire(signalling: SignallingClient): void {
    signalling.onListenerError = (error) =>
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
    signalling.on('floorTaken', ({ channelId, holder }) =>
      this.#updateFloor(channelId, { state: 'taken', holder }),
    );
    signalling.on('floorIdle', ({ channelId }) => this.#updateFloor(channelId, { state: 'idle' }));
    signalling.on('floorRevoked', ({ channelId, reason }) => this.#endTransmission(channelId, reason));
    signalling.on('channelAccessRevoked', ({ channelId, reason }) => {
      const channel = this.#channels.get(channelId);
      if (channel === undefined) return;
      this.#endTransmission(channelId, 'removed_from_channel');
      channel.audio?.close();
      this.#link?.dropConsumer(channelId);
      this.#channels.delete(channelId);
      this.emit('accessRevoked', { channelId, reason });
    });
    signalling.on('close', ({ code }) => {
      if (this.#signalling !== signalling) return;
      for (const channelId of this.#heartbeats.keys()) this.#endTransmission(channelId, 'disconnected');
      if (this.#closed) return;
      if (shouldReconnect(code)) void this.#reconnect();
      else this.#setState('disconnected');
    });
  }

  #updateFloor(channelId: string, floor: FloorState): void {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return;
    channel.view = { ...channel.view, floor };
    this.emit('channel', channel.view);
  }

  #endTransmission(channelId: string, reason: 'released' | FloorRevokeReason | 'disconnected'): void {
    const timer = this.#heartbeats.get(channelId);
    if (timer !== undefined) clearInterval(timer);
    this.#heartbeats.delete(channelId);
    const channel = this.#channels.get(channelId);
    if (channel?.view.transmitting !== true) return;
    channel.view = { ...channel.view, transmitting: false };
    this.#pauseIfIdle();
    this.emit('channel', channel.view);
    this.emit('transmit', { channelId, state: 'ended', reason });
  }

  /** Pauses the microphone producer unless the client still transmits on some channel. */
  #pauseIfIdle(): void {
    if (this.#heartbeats.size > 0 || this.#pendingPress.size > 0) return;
    this.#link?.producer?.pause();
  }

  #startHeartbeat(channelId: string): void {
    const interval = this.#session?.floor.heartbeatIntervalMs ?? 10_000;
    const timer = setInterval(() => {
      this.#signalling?.request('floor.heartbeat', { channelId }).catch(() => {
        // A lost floor arrives as floorRevoked; a dropped socket as close.
      });
    }, interval);
    this.#heartbeats.set(channelId, timer);
  }

  async #reconnect(): Promise<void> {
    if (this.#reconnecting || this.#closed) return;
    this.#reconnecting = true;
    this.#setState('reconnecting');
    const lostAt = Date.now();
    try {
      for (let retryCount = 0; !this.#closed; retryCount += 1) {
        const delay = this.#policy.nextRetryDelayMs({ retryCount, elapsedMs: Date.now() - lostAt });
        if (delay === null) {
          this.#setState('failed');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.#closed) return;
        try {
          await this.#establish();
          this.#setState('connected');
          return;
        } catch (error) {
          this.emit('error', error instanceof Error ? error : new Error(String(error)));
        }
      }
    } finally {
      this.#reconnecting = false;
    }
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('connection', state);
  }

  #teardownMedia(): void {
    for (const channel of this.#channels.values()) {
      channel.audio?.close();
      channel.audio = undefined;
    }
    this.#link?.close();
    this.#link = undefined;
  }

  /** Disconnects and releases everything (transports, players, the microphone track). */
  close(): void {
    this.#closed = true;
    for (const timer of this.#heartbeats.values()) clearInterval(timer);
    this.#heartbeats.clear();
    this.#teardownMedia();
    this.#signalling?.close();
    this.#signalling = undefined;
    this.#microphone?.stop();
    this.#microphone = undefined;
    this.#channels.clear();
    this.#setState('disconnected');
  }
}
