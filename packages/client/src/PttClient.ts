import { shouldReconnect } from '@squelch/protocol';
import type {
  AuthenticateResult,
  Emergency,
  FloorRequestResult,
  FloorRevokeReason,
  FloorState,
  UserSummary,
} from '@squelch/protocol';
import { AudioElementPool } from './AudioElementPool';
import { ChannelAudio } from './ChannelAudio';
import { Emitter } from './Emitter';
import { MediaLink } from './MediaLink';
import type { MediaLinkOptions } from './MediaLink';
import { openMicrophone } from './microphone';
import { NETWORK_CHECK_TIMEOUT_MS, socketAnswers } from './network';
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
  | {
      channelId: string;
      state: 'ended';
      reason: 'released' | FloorRevokeReason | 'disconnected';
      /** With reason 'preempted': who cut in. */
      by?: UserSummary;
    };

export type PttClientEvents = {
  connection: [ConnectionState];
  channel: [ChannelView];
  transmit: [TransmitEvent];
  accessRevoked: [{ channelId: string; reason: string }];
  /** A channel's received audio track is available (after join, and again after a media rebuild). */
  track: [{ channelId: string; track: MediaStreamTrack }];
  /** The media link was rebuilt (worker restart on the server, or a transport that could not be repaired). */
  mediaRebuilt: [{ reason: string }];
  /** An emergency this user is to see was raised or changed (see emergency.ts, EmergencyCalls). */
  emergency: [Emergency];
  error: [Error];
};

export interface PttClientOptions {
  /** Signalling URL, e.g. wss://host:8443/ws, or several: reconnection moves on to the next one. */
  url: string | string[];
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
  /** Wanted but not joined on the server yet (joined while disconnected). */
  pending: boolean;
}

const DENIED_OFFLINE: Exclude<FloorRequestResult, { granted: true }> = {
  granted: false,
  reason: 'unavailable',
  message: 'Not connected to the server; the press was not sent.',
};

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * A push-to-talk client: connect, join channels, press and release, hear what the server forwards.
 *
 * It owns the signalling socket and its reconnection (an injected ReconnectPolicy), the media link (transports,
 * producer, consumers), the microphone track and one audio player per channel.
 *
 * Recovery: a dropped socket is reconnected with backoff and the same server session is resumed (transports,
 * channels and players are kept); when the session cannot be resumed, media is rebuilt and channels rejoined.
 * A server `mediaReset` or a transport that ICE restarts cannot repair also rebuilds media. Joins and leaves made
 * while disconnected are applied on reconnection; a press while disconnected is refused visibly, never queued.
 */
export class PttClient extends Emitter<PttClientEvents> {
  readonly #options: PttClientOptions;
  #urls: string[];
  readonly #policy: ReconnectPolicy;
  readonly #channels = new Map<string, Channel>();
  /** The channels' players, reused across leaves and joins. */
  readonly #players = new AudioElementPool();
  /** The output device received audio plays on ('' is the system default). */
  #outputId = '';
  /** Channels left while disconnected, to leave on the server once resumed. */
  readonly #pendingLeaves = new Set<string>();
  #urlIndex = 0;
  #signalling: SignallingClient | undefined;
  #link: MediaLink | undefined;
  #session: AuthenticateResult | undefined;
  #microphone: MediaStreamTrack | undefined;
  #state: ConnectionState = 'disconnected';
  readonly #heartbeats = new Map<string, ReturnType<typeof setInterval>>();
  /** Presses waiting for the server's answer; a release during the wait cancels them. */
  readonly #pendingPress = new Map<string, { cancelled: boolean }>();
  #rebuilding: Promise<void> | undefined;
  #closed = false;
  #reconnecting = false;
  /** Ends the current wait between reconnection attempts (a network change: try at once). */
  #wakeRetry: (() => void) | undefined;

  constructor(options: PttClientOptions) {
    super();
    this.#options = options;
    this.#urls = Array.isArray(options.url) ? [...options.url] : [options.url];
    if (this.#urls.length === 0) throw new Error('PttClient needs at least one signalling URL');
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

  /** The signalling URL in use (or tried next). */
  get url(): string {
    return this.#urls[this.#urlIndex % this.#urls.length] ?? '';
  }

  /**
   * Replaces the servers to connect (and fail over) to, e.g. with the live nodes a server lists. The URL in use
   * stays first when it is still listed, so a working connection is not moved; an empty list is ignored.
   */
  setUrls(urls: string[]): void {
    const unique = [...new Set(urls)];
    if (unique.length === 0) return;
    const current = this.url;
    this.#urls = unique.includes(current) ? [current, ...unique.filter((url) => url !== current)] : unique;
    this.#urlIndex = 0;
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

  /**
   * Joins a channel (muted: nothing is sent until a press). Joining a joined channel changes nothing. While
   * disconnected the join is remembered and made on reconnection.
   */
  async join(channelId: string): Promise<ChannelView> {
    let channel = this.#channels.get(channelId);
    if (channel?.audio !== undefined) return channel.view;
    if (channel === undefined) {
      channel = { view: { channelId, floor: { state: 'idle' }, transmitting: false }, pending: true };
      this.#channels.set(channelId, channel);
    }
    this.#pendingLeaves.delete(channelId);
    if (this.#state !== 'connected') return channel.view;
    try {
      await this.#joinOnServer(channelId);
    } catch (error) {
      if (error instanceof RequestError && error.code === 'disconnected') return channel.view;
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
    if (channel.pending) return;
    if (this.#signalling?.isOpen === true && this.#state === 'connected') {
      await this.#signalling.request('leave', { channelId });
    } else {
      this.#pendingLeaves.add(channelId);
    }
  }

  /**
   * Asks for the floor. The microphone starts sending at once (the server forwards it only after the grant),
   * so a granted press loses no speech to the round trip.
   */
  async press(channelId: string): Promise<FloorRequestResult> {
    const signalling = this.#signalling;
    if (signalling?.isOpen !== true || this.#state !== 'connected') {
      this.emit('transmit', { channelId, state: 'denied', result: DENIED_OFFLINE });
      return DENIED_OFFLINE;
    }
    const channel = this.#channels.get(channelId);
    if (channel?.view.transmitting === true) {
      return {
        granted: true,
        grantId: '',
        grant: 0,
        expiresAt: 0,
        maxDurationMs: this.#session?.floor.maxDurationMs ?? 0,
      };
    }
    const pending = { cancelled: false };
    this.#pendingPress.set(channelId, pending);
    this.#link?.producer?.resume();
    this.emit('transmit', { channelId, state: 'requesting' });
    let result: FloorRequestResult;
    try {
      result = await signalling.request('floor.request', { channelId });
    } catch (error) {
      result = { granted: false, reason: 'unavailable', message: asError(error).message };
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
      this.emit('error', asError(error));
    }
  }

  /**
   * Hook for an emergency raise (emergency.ts): the floor answer of `emergency.raise`, sent with the microphone
   * producer resumed. Granted: the channel transmits (heartbeats included) until the server ends the talk;
   * otherwise the microphone pauses again.
   */
  adoptEmergencyTalk(channelId: string, result: FloorRequestResult): void {
    const channel = this.#channels.get(channelId);
    if (!result.granted || channel === undefined) {
      this.#pauseIfIdle();
      if (!result.granted) this.emit('transmit', { channelId, state: 'denied', result });
      return;
    }
    channel.view = { ...channel.view, transmitting: true };
    if (!this.#heartbeats.has(channelId)) this.#startHeartbeat(channelId);
    this.emit('channel', channel.view);
    this.emit('transmit', { channelId, state: 'granted', maxDurationMs: result.maxDurationMs });
  }

  /** Starts reconnecting now (after the policy gave up, e.g. from a "retry" button). */
  retryNow(): void {
    if (this.#state === 'failed' || this.#state === 'disconnected') void this.#reconnect();
  }

  /**
   * The device's network changed (online again, Wi-Fi to mobile data): reconnect at once if disconnected;
   * if connected, restart ICE on the new path and check the socket still answers, dropping it if not.
   */
  networkChanged(): void {
    if (this.#closed) return;
    if (this.#reconnecting) {
      this.#wakeRetry?.();
      return;
    }
    if (this.#state === 'failed') {
      void this.#reconnect();
      return;
    }
    const signalling = this.#signalling;
    if (this.#state !== 'connected' || signalling === undefined) return;
    this.#link?.restartIce();
    void socketAnswers(signalling, NETWORK_CHECK_TIMEOUT_MS).then((alive) => {
      if (alive || this.#closed || this.#signalling !== signalling) return;
      // The socket is dead on the old path: drop it now instead of waiting for TCP to notice.
      this.#signalling = undefined;
      signalling.close(4000, 'network changed');
      for (const channelId of [...this.#heartbeats.keys()]) this.#endTransmission(channelId, 'disconnected');
      void this.#reconnect();
    });
  }

  /**
   * Builds the media link again with the current media options (e.g. after "always relay" changed); the
   * joined channels and the microphone carry over. Does nothing while not connected.
   */
  async applyMediaOptions(): Promise<void> {
    if (this.#state === 'connected') await this.#rebuildMedia('media options changed');
  }

  /** Resumes audio players that autoplay blocked; call from a user gesture. */
  resumeAudio(): void {
    for (const channel of this.#channels.values()) channel.audio?.resume();
  }

  setChannelVolume(channelId: string, volume: number): void {
    this.#channels.get(channelId)?.audio?.setVolume(volume);
  }

  /**
   * Sends every channel's player, and those of channels joined later, to an output device ('' is the system
   * default). Calling it again with the same id re-routes (after the system's devices changed).
   */
  async setAudioOutput(sinkId: string): Promise<void> {
    this.#outputId = sinkId;
    await Promise.all(
      [...this.#channels.values()].map(
        (channel) => channel.audio?.setOutput(sinkId) ?? Promise.resolve(false),
      ),
    );
  }

  /** Mutes a channel's own player (it keeps playing, so its track still feeds Web Audio, e.g. a mixer). */
  setChannelMuted(channelId: string, muted: boolean): void {
    this.#channels.get(channelId)?.audio?.setMuted(muted);
  }

  /** One connection attempt: socket, authentication (resuming the session if possible), media, channels. */
  async #establish(): Promise<void> {
    const token = await this.#options.getToken();
    const signalling = new SignallingClient(this.url);
    try {
      await signalling.opened();
      const resumeSessionId = this.#link !== undefined ? this.#session?.sessionId : undefined;
      const session = await signalling.request('authenticate', {
        token,
        ...(resumeSessionId !== undefined ? { resumeSessionId } : {}),
      });
      const previous = this.#signalling;
      this.#signalling = signalling;
      this.#session = session;
      this.#wire(signalling);
      previous?.close();
      if (session.resumed && this.#link !== undefined) {
        await this.#applyOfflineChanges();
      } else {
        await this.#buildMedia();
      }
    } catch (error) {
      signalling.close();
      throw error;
    }
  }

  /** A fresh media link: transports, producer (if the microphone is on) and every wanted channel. */
  async #buildMedia(): Promise<void> {
    const session = this.#session;
    if (session === undefined) throw new RequestError('disconnected', 'Not connected.');
    this.#teardownMedia();
    this.#pendingLeaves.clear();
    this.#link = await MediaLink.create(
      {
        signalling: () => {
          if (this.#signalling === undefined) throw new RequestError('disconnected', 'Not connected.');
          return this.#signalling;
        },
        onBroken: (reason) => void this.#rebuildMedia(reason),
        onTransportState: (direction, state) => {
          if (state === 'failed' || state === 'disconnected')
            void this.#report('state', `${direction} transport ${state}`);
        },
      },
      session.routerRtpCapabilities,
      this.#options.media ?? {},
    );
    if (this.#microphone !== undefined && this.#microphone.readyState === 'live') {
      await this.#link.produce(this.#microphone);
      // Still holding a floor (e.g. the server's worker restarted mid-transmission): keep sending.
      if (this.#heartbeats.size > 0) this.#link.producer?.resume();
    }
    for (const channel of [...this.#channels.values()]) channel.pending = true;
    await this.#joinPending();
  }

  /**
   * Sends a diagnostics report to the server's log (fire and forget): what failed, with a getStats() summary
   * of the media at that moment.
   */
  async #report(kind: 'error' | 'stats' | 'state', message: string): Promise<void> {
    const signalling = this.#signalling;
    if (signalling?.isOpen !== true) return;
    const details = (await this.#link?.statsSummary().catch(() => undefined)) ?? {};
    await signalling
      .request('report', { kind, message: message.slice(0, 2000), details })
      .catch(() => undefined);
  }

  /** Rebuilds media on the current socket (server mediaReset, or a transport beyond repair). */
  #rebuildMedia(reason: string): Promise<void> {
    this.#rebuilding ??= (async () => {
      await this.#report('error', `media rebuilt: ${reason}`);
      try {
        if (this.#state === 'connected') {
          await this.#buildMedia();
          this.emit('mediaRebuilt', { reason });
        }
      } catch (error) {
        this.emit('error', asError(error));
        // A broken socket is handled by reconnection; anything else: drop the socket to start over cleanly.
        this.#signalling?.close(4001, 'media rebuild failed');
      } finally {
        this.#rebuilding = undefined;
      }
    })();
    return this.#rebuilding;
  }

  /** After a resume: leave what was left and join what was joined while disconnected. */
  async #applyOfflineChanges(): Promise<void> {
    const signalling = this.#signalling;
    for (const channelId of [...this.#pendingLeaves]) {
      this.#pendingLeaves.delete(channelId);
      await signalling
        ?.request('leave', { channelId })
        .catch((error: unknown) => this.emit('error', asError(error)));
    }
    await this.#joinPending();
  }

  async #joinPending(): Promise<void> {
    for (const [channelId, channel] of [...this.#channels]) {
      if (!channel.pending) continue;
      try {
        await this.#joinOnServer(channelId);
      } catch (error) {
        if (error instanceof RequestError && error.code === 'disconnected') throw error;
        this.#channels.delete(channelId);
        this.emit('error', asError(error));
      }
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
    channel.audio = new ChannelAudio(track, {
      play: this.#options.playback ?? true,
      volume: 1,
      sinkId: this.#outputId,
      pool: this.#players,
    });
    channel.pending = false;
    channel.view = { channelId, floor: result.floor, transmitting: channel.view.transmitting };
    this.emit('track', { channelId, track });
    this.emit('channel', channel.view);
  }

  #wire(signalling: SignallingClient): void {
    signalling.onListenerError = (error) => this.emit('error', asError(error));
    signalling.on('floorTaken', ({ channelId, holder }) =>
      this.#updateFloor(channelId, { state: 'taken', holder }),
    );
    signalling.on('floorIdle', ({ channelId }) => this.#updateFloor(channelId, { state: 'idle' }));
    signalling.on('floorRevoked', ({ channelId, reason, by }) =>
      this.#endTransmission(channelId, reason, by),
    );
    signalling.on('channelAccessRevoked', ({ channelId, reason }) => {
      const channel = this.#channels.get(channelId);
      if (channel === undefined) return;
      this.#endTransmission(channelId, 'removed_from_channel');
      channel.audio?.close();
      this.#link?.dropConsumer(channelId);
      this.#channels.delete(channelId);
      this.emit('accessRevoked', { channelId, reason });
    });
    signalling.on('mediaReset', ({ reason }) => void this.#rebuildMedia(reason));
    signalling.on('emergencyChanged', ({ emergency }) => this.emit('emergency', emergency));
    signalling.on('close', ({ code }) => {
      if (this.#signalling !== signalling) return;
      for (const channelId of [...this.#heartbeats.keys()]) this.#endTransmission(channelId, 'disconnected');
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

  #endTransmission(
    channelId: string,
    reason: 'released' | FloorRevokeReason | 'disconnected',
    by?: UserSummary,
  ): void {
    const timer = this.#heartbeats.get(channelId);
    if (timer !== undefined) clearInterval(timer);
    this.#heartbeats.delete(channelId);
    const channel = this.#channels.get(channelId);
    if (channel?.view.transmitting !== true) return;
    channel.view = { ...channel.view, transmitting: false };
    this.#pauseIfIdle();
    this.emit('channel', channel.view);
    this.emit('transmit', { channelId, state: 'ended', reason, ...(by !== undefined ? { by } : {}) });
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
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.#wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wakeRetry = undefined;
        if (this.#closed) return;
        try {
          await this.#establish();
          this.#setState('connected');
          return;
        } catch (error) {
          this.emit('error', asError(error));
          // Another server may be up: try the next URL on the next attempt.
          this.#urlIndex = (this.#urlIndex + 1) % this.#urls.length;
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
    this.#wakeRetry?.();
    for (const timer of this.#heartbeats.values()) clearInterval(timer);
    this.#heartbeats.clear();
    this.#teardownMedia();
    this.#signalling?.close();
    this.#signalling = undefined;
    this.#microphone?.stop();
    this.#microphone = undefined;
    this.#channels.clear();
    this.#players.close();
    this.#pendingLeaves.clear();
    this.#setState('disconnected');
  }
}
