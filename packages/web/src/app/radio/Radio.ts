import type { DevicePlan } from '../devices/devicePlan';
import { Emitter, PttClient, QualityMonitor, TonePlayer, loadSettings, saveSettings } from '@squelch/client';
import type {
  ChannelView,
  MicrophoneOptions,
  PttClientOptions,
  PttSettings,
  ToneName,
  TransmitEvent,
} from '@squelch/client';
import type { SessionUser } from '../auth/AuthSession';
import { fetchMyChannels } from '../channels/myChannels';
import type { ChannelInfo } from '../channels/myChannels';
import { endedText, refusedText } from './messages';
import { MicrophoneController } from './MicrophoneController';
import type { AudioSink } from '../console/ConsoleMixer';
import type { ChannelNotice, ChannelState, RadioSnapshot } from './RadioState';

type MediaLinkOptions = NonNullable<PttClientOptions['media']>;

export interface RadioOptions {
  user: SessionUser;
  getToken: () => Promise<string>;
  api: (path: string, init?: RequestInit) => Promise<unknown>;
  /** Where settings are remembered (localStorage). */
  storage: Storage;
  /** Signalling URL (wss://host/ws). */
  url: string;
}

const NOTICE_MS = 3500;
const CHANNEL_REFRESH_MS = 120_000;

/**
 * Everything the PTT screen does, without React: one PttClient, its microphone, tones, quality monitor and the
 * user's settings. The UI reads immutable snapshots (getSnapshot) and calls the action methods. Channels are
 * always joined muted: the microphone producer stays paused until a press is granted.
 */
export class Radio extends Emitter<{ change: [] }> {
  readonly user: SessionUser;
  readonly #options: RadioOptions;
  readonly #client: PttClient;
  readonly #microphone: MicrophoneController;
  readonly #tones: TonePlayer;
  readonly #quality: QualityMonitor;
  /** Mutable option objects the client reads at use time, so settings apply without a new client. */
  readonly #microphoneOptions: MicrophoneOptions;
  readonly #mediaOptions: MediaLinkOptions;
  /** Channels with a press held (or latched) by the user right now. */
  readonly #wanted = new Set<string>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #snapshot: RadioSnapshot;
  #noticeIds = 0;
  #announcementIds = 0;
  #refreshTimer: ReturnType<typeof setInterval> | undefined;
  #sink: AudioSink | undefined;
  /** Where received audio and tones play ('' is the system default); see applyDevices. */
  #outputId = '';
  #closed = false;

  /** The client underneath, for helpers of their own (emergency calls). */
  get client(): PttClient {
    return this.#client;
  }

  constructor(options: RadioOptions) {
    super();
    this.user = options.user;
    this.#options = options;
    const settings = loadSettings(options.storage, options.user.id);
    this.#microphoneOptions = microphoneOptionsOf(settings);
    this.#mediaOptions = {
      jitterBufferTargetMs: settings.jitterBufferTargetMs,
      iceTransportPolicy: settings.alwaysRelay ? 'relay' : 'all',
    };
    this.#client = new PttClient({
      url: options.url,
      getToken: options.getToken,
      media: this.#mediaOptions,
      microphone: this.#microphoneOptions,
    });
    this.#microphone = new MicrophoneController(this.#client, this.#microphoneOptions);
    this.#tones = new TonePlayer({ volume: settings.toneVolume });
    this.#quality = new QualityMonitor(this.#client);
    this.#snapshot = {
      connection: this.#client.state,
      quality: this.#quality.last,
      microphone: this.#microphone.state,
      channels: [],
      channelsLoaded: false,
      channelsError: null,
      settings,
      announcement: null,
      tones: { last: null, counts: { 'transmit-start': 0, 'transmit-end': 0, busy: 0, preempted: 0 } },
    };
    this.#wire();
  }

  getSnapshot = (): RadioSnapshot => this.#snapshot;

  subscribe = (onChange: () => void): (() => void) => this.on('change', onChange);

  /** Connects, loads the channel list and rejoins the channels the user had joined. */
  async start(): Promise<void> {
    void this.#tones.load();
    void this.#microphone.checkPermission();
    this.#refreshTimer = setInterval(() => void this.reloadChannels(), CHANNEL_REFRESH_MS);
    const channels = this.reloadChannels();
    try {
      await this.#client.connect();
    } catch {
      // The first attempt failed: keep trying with the reconnect policy (the UI shows "Reconnecting…").
      if (!this.#closed) this.#client.retryNow();
      return;
    }
    await channels;
    await this.#joinDesired();
  }

  /* ---- actions ---- */

  async reloadChannels(): Promise<void> {
    try {
      const infos = await fetchMyChannels(this.#options.api);
      if (this.#closed) return;
      this.#setChannels(infos);
      this.#set({ channelsLoaded: true, channelsError: null });
      // Channels newly listed (first load after an error, a new assignment) are joined as remembered.
      void this.#joinDesired();
    } catch (error) {
      if (this.#closed) return;
      this.#set({ channelsError: error instanceof Error ? error.message : String(error) });
    }
  }

  async join(channelId: string): Promise<void> {
    const channel = this.#channel(channelId);
    if (channel === undefined || channel.joined || channel.pending) return;
    this.#rememberJoined(channelId, true);
    this.#client.resumeAudio();
    await this.#joinNow(channelId);
  }

  async leave(channelId: string): Promise<void> {
    const channel = this.#channel(channelId);
    if (channel === undefined || !channel.joined || channel.pending) return;
    this.#rememberJoined(channelId, false);
    this.#wanted.delete(channelId);
    this.#patchChannel(channelId, { pending: true });
    this.#sink?.detach(channelId);
    try {
      await this.#client.leave(channelId);
    } catch {
      // Leaving locally is what matters; the server drops the membership with the session anyway.
    }
    this.#patchChannel(channelId, { pending: false, joined: false, phase: 'idle', floor: { state: 'idle' } });
  }

  /** The user pressed (hold) or switched on (toggle) the talk button of a channel. */
  async press(channelId: string): Promise<void> {
    const channel = this.#channel(channelId);
    if (channel === undefined || !channel.joined || channel.phase !== 'idle') return;
    this.#wanted.add(channelId);
    this.#client.resumeAudio();
    if (this.#microphone.state.status !== 'ready') {
      this.#patchChannel(channelId, { phase: 'requesting', notice: null });
      const ready = await this.#microphone.enable();
      if (!ready || !this.#wanted.has(channelId)) {
        this.#patchChannel(channelId, { phase: 'idle' });
        if (!ready) this.#announce('The microphone could not be opened. Nothing was sent.', true);
        return;
      }
    }
    await this.#client.press(channelId);
  }

  /** The user let go (hold) or switched off (toggle). Safe to call when nothing is pressed. */
  async release(channelId: string): Promise<void> {
    const wasWanted = this.#wanted.delete(channelId);
    const channel = this.#channel(channelId);
    if (channel?.phase === 'requesting' && this.#microphone.state.status !== 'ready') {
      this.#patchChannel(channelId, { phase: 'idle' });
    }
    if (wasWanted || channel?.phase !== 'idle') await this.#client.release(channelId);
  }

  /** Releases every channel (window lost focus, tab hidden, sign-out). */
  releaseAll(): void {
    for (const channel of this.#snapshot.channels) {
      if (this.#wanted.has(channel.info.id) || channel.phase !== 'idle') void this.release(channel.info.id);
    }
  }

  async enableMicrophone(): Promise<boolean> {
    this.#client.resumeAudio();
    return this.#microphone.enable();
  }

  retryConnection(): void {
    this.#client.retryNow();
  }

  /** The device's network changed: reconnect or re-check at once (PttClient.networkChanged). */
  networkChanged(): void {
    this.#client.networkChanged();
  }

  /** Resumes received audio that the browser's autoplay policy held back (call from a gesture). */
  resumeAudio(): void {
    this.#client.resumeAudio();
  }

  setVolume(channelId: string, volume: number): void {
    this.#client.setChannelVolume(channelId, volume);
    this.#patchChannel(channelId, { volume });
    const settings = this.#snapshot.settings;
    this.#saveSettings({ ...settings, channelVolumes: { ...settings.channelVolumes, [channelId]: volume } });
  }

  /**
   * Plays received channel audio through `sink` (the console's mixer) instead of each channel's own player,
   * which stays playing muted. The returned function gives playback back to the players.
   */
  routeAudio(sink: AudioSink): () => void {
    this.#sink = sink;
    void sink.setOutput?.(this.#outputId);
    for (const channel of this.#snapshot.channels) {
      const track = this.#client.channelTrack(channel.info.id);
      if (track === undefined) continue;
      this.#client.setChannelMuted(channel.info.id, true);
      sink.attach(channel.info.id, track);
    }
    return () => {
      if (this.#sink !== sink) return;
      this.#sink = undefined;
      for (const channel of this.#snapshot.channels) {
        sink.detach(channel.info.id);
        this.#client.setChannelMuted(channel.info.id, false);
      }
    };
  }

  setTalkChannel(channelId: string): void {
    this.#saveSettings({ ...this.#snapshot.settings, talkChannelId: channelId });
  }

  /** Applies and remembers changed settings; re-opens the microphone if its processing changed. */
  async updateSettings(next: PttSettings): Promise<void> {
    const before = this.#snapshot.settings;
    this.#saveSettings(next);
    this.#tones.setVolume(next.toneVolume);
    this.#mediaOptions.jitterBufferTargetMs = next.jitterBufferTargetMs;
    Object.assign(this.#microphoneOptions, microphoneOptionsOf(next));
    const processingChanged =
      before.echoCancellation !== next.echoCancellation ||
      before.noiseSuppression !== next.noiseSuppression ||
      before.autoGainControl !== next.autoGainControl;
    if (processingChanged) await this.#microphone.reopen();
    if (before.alwaysRelay !== next.alwaysRelay) {
      this.#mediaOptions.iceTransportPolicy = next.alwaysRelay ? 'relay' : 'all';
      await this.#client.applyMediaOptions();
    }
  }

  /** The open microphone track (undefined before the first talk). */
  get microphoneTrack(): MediaStreamTrack | undefined {
    return this.#client.microphone;
  }

  /**
   * Uses the devices worked out by devices/devicePlan: the microphone to open (now, when the plan says so; the
   * new track replaces the old one in the producer) and the output for received audio, the mixer and tones.
   */
  async applyDevices(plan: DevicePlan): Promise<void> {
    this.#microphoneOptions.deviceId = plan.microphoneId;
    // Routed again each time, also to the same id: after a device change the system default may be another.
    this.#outputId = plan.outputId;
    this.#tones.setOutput(plan.outputId);
    void this.#sink?.setOutput?.(plan.outputId);
    await this.#client.setAudioOutput(plan.outputId);
    if (plan.reopenMicrophone) await this.#microphone.reopen();
  }

  /** The transmitted microphone level, 0..1 (for the meter). */
  micLevel = (): number => this.#microphone.level();

  /** Plays a feedback tone (also used by the settings panel to preview them). */
  playTone(name: ToneName): void {
    void this.#tones.play(name);
  }

  /* ---- wiring ---- */

  #wire(): void {
    this.#client.on('connection', (connection) => {
      const previous = this.#snapshot.connection;
      this.#set({ connection });
      if (connection === 'reconnecting' && previous === 'connected') {
        this.#announce('Connection lost. Reconnecting…', true);
      } else if (connection === 'failed') {
        this.#announce('Could not reconnect to the server.', true);
      } else if (connection === 'connected' && previous !== 'connecting') {
        this.#announce('Reconnected.', false);
        void this.reloadChannels();
      }
      this.#syncJoined();
    });
    this.#client.on('channel', (view) => this.#onChannel(view));
    this.#client.on('transmit', (event) => this.#onTransmit(event));
    this.#client.on('track', ({ channelId, track }) => {
      const volume = this.#channel(channelId)?.volume ?? 1;
      if (volume !== 1) this.#client.setChannelVolume(channelId, volume);
      if (this.#sink !== undefined) {
        this.#client.setChannelMuted(channelId, true);
        this.#sink.attach(channelId, track);
      }
    });
    this.#client.on('accessRevoked', ({ channelId }) => {
      const name = this.#channel(channelId)?.info.name ?? 'a channel';
      this.#wanted.delete(channelId);
      this.#patchChannel(channelId, { joined: false, phase: 'idle', floor: { state: 'idle' } });
      this.#announce(`You no longer have access to ${name}.`, true);
      void this.reloadChannels();
    });
    this.#microphone.on('change', (microphone) => this.#set({ microphone }));
    this.#quality.on('sample', (quality) => this.#set({ quality }));
    this.#tones.on('played', ({ name }) => {
      const tones = this.#snapshot.tones;
      this.#set({ tones: { last: name, counts: { ...tones.counts, [name]: tones.counts[name] + 1 } } });
    });
  }

  #onChannel(view: ChannelView): void {
    const channel = this.#channel(view.channelId);
    if (channel === undefined) return;
    const before = channel.floor;
    this.#patchChannel(view.channelId, { floor: view.floor, joined: true });
    const holder = view.floor.state === 'taken' ? view.floor.holder : undefined;
    const previousHolder = before.state === 'taken' ? before.holder.userId : undefined;
    if (holder !== undefined && holder.userId !== this.user.id && holder.userId !== previousHolder) {
      this.#announce(`${holder.displayName} is speaking on ${channel.info.name}.`, false);
    }
  }

  #onTransmit(event: TransmitEvent): void {
    const channel = this.#channel(event.channelId);
    if (channel === undefined) return;
    const name = channel.info.name;
    switch (event.state) {
      case 'requesting':
        this.#patchChannel(event.channelId, { phase: 'requesting', notice: null });
        return;
      case 'granted':
        this.#patchChannel(event.channelId, { phase: 'transmitting' });
        this.playTone('transmit-start');
        vibrate(30);
        this.#announce(`Transmitting on ${name}.`, false);
        return;
      case 'denied': {
        this.#wanted.delete(event.channelId);
        const result = event.result;
        const busy = result.reason === 'busy';
        const text = refusedText(result);
        this.#patchChannel(event.channelId, { phase: 'idle' });
        this.#notice(event.channelId, busy ? 'busy' : 'refused', text);
        this.playTone('busy');
        vibrate([80, 60, 80]);
        this.#announce(busy ? `Busy: ${text}` : text, true);
        return;
      }
      case 'ended': {
        this.#wanted.delete(event.channelId);
        const wasOnAir = channel.phase === 'transmitting';
        this.#patchChannel(event.channelId, { phase: 'idle' });
        if (!wasOnAir) return;
        // Cut in on by a higher priority: a tone of its own, so the talker knows it was not their release.
        this.playTone(event.reason === 'preempted' ? 'preempted' : 'transmit-end');
        const text = endedText(event.reason, event.by);
        if (text !== null) this.#notice(event.channelId, 'ended', text);
        this.#announce(text ?? `Stopped transmitting on ${name}.`, text !== null);
        return;
      }
    }
  }

  async #joinDesired(): Promise<void> {
    if (this.#closed || this.#client.state !== 'connected') return;
    const settings = this.#snapshot.settings;
    const available = this.#snapshot.channels.map((channel) => channel.info.id);
    // First use: general users join all their channels; dispatchers (many channels) choose.
    const desired = settings.joinedChannelIds ?? (this.user.role === 'general' ? available : []);
    for (const channelId of desired) {
      const channel = this.#channel(channelId);
      if (channel !== undefined && !channel.joined && !channel.pending) await this.#joinNow(channelId);
    }
  }

  async #joinNow(channelId: string): Promise<void> {
    this.#patchChannel(channelId, { pending: true });
    try {
      const view = await this.#client.join(channelId);
      const volume = this.#channel(channelId)?.volume ?? 1;
      this.#client.setChannelVolume(channelId, volume);
      this.#patchChannel(channelId, { pending: false, joined: true, floor: view.floor });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#patchChannel(channelId, { pending: false, joined: false });
      this.#notice(channelId, 'refused', `Could not join: ${message}`);
    }
  }

  /** After a reconnect the client rejoined what it could; mirror that. */
  #syncJoined(): void {
    if (this.#client.state !== 'connected') return;
    for (const channel of this.#snapshot.channels) {
      const joined = this.#client.channel(channel.info.id) !== undefined;
      if (channel.joined !== joined && !channel.pending) this.#patchChannel(channel.info.id, { joined });
    }
  }

  #setChannels(infos: ChannelInfo[]): void {
    const previous = new Map(this.#snapshot.channels.map((channel) => [channel.info.id, channel]));
    const volumes = this.#snapshot.settings.channelVolumes;
    const channels = infos.map((info): ChannelState => {
      const existing = previous.get(info.id);
      if (existing !== undefined) return { ...existing, info };
      const view = this.#client.channel(info.id);
      return {
        info,
        joined: view !== undefined,
        pending: false,
        floor: view?.floor ?? { state: 'idle' },
        phase: view?.transmitting === true ? 'transmitting' : 'idle',
        notice: null,
        volume: volumes[info.id] ?? 1,
      };
    });
    // Channels no longer assigned: leave them.
    for (const id of previous.keys()) {
      if (!infos.some((info) => info.id === id) && this.#client.channel(id) !== undefined) {
        void this.#client.leave(id).catch(() => undefined);
      }
    }
    this.#set({ channels });
  }

  #rememberJoined(channelId: string, joined: boolean): void {
    const settings = this.#snapshot.settings;
    const current = new Set(
      settings.joinedChannelIds ?? this.#snapshot.channels.filter((c) => c.joined).map((c) => c.info.id),
    );
    if (joined) current.add(channelId);
    else current.delete(channelId);
    this.#saveSettings({ ...settings, joinedChannelIds: [...current] });
  }

  #saveSettings(settings: PttSettings): void {
    saveSettings(this.#options.storage, this.user.id, settings);
    this.#set({ settings });
  }

  #notice(channelId: string, kind: ChannelNotice['kind'], text: string): void {
    this.#noticeIds += 1;
    const id = this.#noticeIds;
    this.#patchChannel(channelId, { notice: { kind, text, id } });
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#channel(channelId)?.notice?.id === id) this.#patchChannel(channelId, { notice: null });
    }, NOTICE_MS);
    this.#timers.add(timer);
  }

  #announce(text: string, assertive: boolean): void {
    this.#announcementIds += 1;
    this.#set({ announcement: { id: this.#announcementIds, text, assertive } });
  }

  #channel(channelId: string): ChannelState | undefined {
    return this.#snapshot.channels.find((channel) => channel.info.id === channelId);
  }

  #patchChannel(channelId: string, patch: Partial<ChannelState>): void {
    let changed = false;
    const channels = this.#snapshot.channels.map((channel) => {
      if (channel.info.id !== channelId) return channel;
      changed = true;
      return { ...channel, ...patch };
    });
    if (changed) this.#set({ channels });
  }

  #set(patch: Partial<RadioSnapshot>): void {
    if (this.#closed) return;
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.emit('change');
  }

  /** The servers to connect and fail over to (the live nodes' signalling URLs); the one in use stays first. */
  setServers(urls: string[]): void {
    this.#client.setUrls(urls);
  }

  /** Stops everything this radio started: client (transports, microphone), tones, timers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refreshTimer);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#quality.close();
    this.#microphone.close();
    this.#tones.close();
    this.#client.close();
    this.removeAllListeners();
  }
}

function microphoneOptionsOf(settings: PttSettings): MicrophoneOptions {
  return {
    echoCancellation: settings.echoCancellation,
    noiseSuppression: settings.noiseSuppression,
    autoGainControl: settings.autoGainControl,
  };
}

function vibrate(pattern: number | number[]): void {
  if (typeof navigator.vibrate === 'function') navigator.vibrate(pattern);
}
