/**
 * A user's preferences for the radio, remembered per user on this device (localStorage keyed by user id).
 * Reading is forgiving: a missing, old or tampered entry yields the defaults for the fields it lacks.
 */
export type PttMode = 'hold' | 'toggle';
export type LayoutPreference = 'auto' | 'single' | 'grid';

export interface PttSettings {
  /** Hold to talk (press and hold) or toggle (click on, click off). */
  mode: PttMode;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
  /** Receive jitter-buffer target in ms (where the browser supports it). */
  jitterBufferTargetMs: number;
  /** Volume of the feedback tones, 0..1 (0 = off). */
  toneVolume: number;
  /** Single channel view, multi-channel grid, or chosen by role (dispatch and admin get the grid). */
  layout: LayoutPreference;
  /** The channel the big button talks on (single channel view). */
  talkChannelId: string | null;
  /** Channels to rejoin after a reload; null until the user first joins or leaves one. */
  joinedChannelIds: string[] | null;
  /** Per-channel listening volume, 0..1. */
  channelVolumes: Record<string, number>;
  /** Keyboard key that holds-to-talk on the talk channel (a KeyboardEvent.code, e.g. "Space"); null: none. */
  talkKey: string | null;
  /** A headset's play/pause (or microphone) button switches talk on and off on the talk channel. */
  headsetTalk: boolean;
  /**
   * Always relay: media goes through the server's TURN relay only (iceTransportPolicy 'relay'), for networks
   * that block or mangle direct media. The server can require it for everyone; either one is enough.
   */
  alwaysRelay: boolean;
  /** Keep the screen on while signed in and listening: 'auto' is on for phones (touch screens), off elsewhere. */
  keepScreenOn: 'auto' | 'on' | 'off';
  /** The microphone chosen in Settings (a MediaDeviceInfo.deviceId); null follows the system default. */
  microphoneId: string | null;
  /** The speakers chosen in Settings (a MediaDeviceInfo.deviceId); null follows the system default. */
  speakerId: string | null;
}

export const DEFAULT_SETTINGS: PttSettings = {
  mode: 'hold',
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  jitterBufferTargetMs: 20,
  toneVolume: 0.8,
  layout: 'auto',
  talkChannelId: null,
  joinedChannelIds: null,
  channelVolumes: {},
  talkKey: 'Space',
  headsetTalk: false,
  alwaysRelay: false,
  keepScreenOn: 'auto',
  microphoneId: null,
  speakerId: null,
};

/** Largest jitter-buffer target offered (Chromium accepts up to 4000 ms; more makes no sense for PTT). */
export const MAX_JITTER_BUFFER_TARGET_MS = 500;

type StorageReader = Pick<Storage, 'getItem'>;
type StorageWriter = Pick<Storage, 'setItem'>;

export function settingsKey(userId: string): string {
  return `squelch.settings.${userId}`;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function inRange(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function ids(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value
    .filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 100)
    .slice(0, 1000);
}

/** A KeyboardEvent.code such as "Space", "KeyT" or "F8"; null (no talk key) is kept. */
function keyCode(value: unknown, fallback: string | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' && /^[A-Za-z0-9]{1,24}$/.test(value) ? value : fallback;
}

/** A device id as enumerateDevices gives it (an opaque string); anything else follows the default. */
function deviceId(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 && value !== 'default'
    ? value
    : null;
}

/** Validates anything (parsed JSON) into complete settings. */
export function normalizeSettings(value: unknown): PttSettings {
  const raw = record(value);
  const volumes: Record<string, number> = {};
  for (const [id, volume] of Object.entries(record(raw.channelVolumes)).slice(0, 1000)) {
    if (typeof volume === 'number' && Number.isFinite(volume)) volumes[id] = Math.min(1, Math.max(0, volume));
  }
  const d = DEFAULT_SETTINGS;
  return {
    mode: oneOf(raw.mode, ['hold', 'toggle'], d.mode),
    echoCancellation: bool(raw.echoCancellation, d.echoCancellation),
    noiseSuppression: bool(raw.noiseSuppression, d.noiseSuppression),
    autoGainControl: bool(raw.autoGainControl, d.autoGainControl),
    jitterBufferTargetMs: Math.round(
      inRange(raw.jitterBufferTargetMs, 0, MAX_JITTER_BUFFER_TARGET_MS, d.jitterBufferTargetMs),
    ),
    toneVolume: inRange(raw.toneVolume, 0, 1, d.toneVolume),
    layout: oneOf(raw.layout, ['auto', 'single', 'grid'], d.layout),
    talkChannelId: typeof raw.talkChannelId === 'string' ? raw.talkChannelId : null,
    joinedChannelIds: ids(raw.joinedChannelIds),
    channelVolumes: volumes,
    talkKey: keyCode(raw.talkKey, d.talkKey),
    headsetTalk: bool(raw.headsetTalk, d.headsetTalk),
    alwaysRelay: bool(raw.alwaysRelay, d.alwaysRelay),
    keepScreenOn: oneOf(raw.keepScreenOn, ['auto', 'on', 'off'], d.keepScreenOn),
    microphoneId: deviceId(raw.microphoneId),
    speakerId: deviceId(raw.speakerId),
  };
}

export function loadSettings(storage: StorageReader, userId: string): PttSettings {
  try {
    const text = storage.getItem(settingsKey(userId));
    return normalizeSettings(text === null ? {} : JSON.parse(text));
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

/** Saves the settings; returns false when the storage refused (private mode, quota). */
export function saveSettings(storage: StorageWriter, userId: string, settings: PttSettings): boolean {
  try {
    storage.setItem(settingsKey(userId), JSON.stringify(settings));
    return true;
  } catch {
    return false;
  }
}
