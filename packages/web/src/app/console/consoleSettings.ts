import type { FeedbackAction } from './feedback/FeedbackGuard';

/** Where a channel sits in the dispatcher's stereo image. */
export type Pan = 'left' | 'centre' | 'right';

export const PAN_VALUES: Record<Pan, number> = { left: -1, centre: 0, right: 1 };

/** How the console places each channel's audio (radio-console conventions), remembered per dispatcher. */
export interface ConsoleSettings {
  pan: Record<string, Pan>;
  muted: string[];
  solo: string[];
  /** The channel heard at full level; the others are dimmed by selectDimDb. Null: nothing selected. */
  selected: string | null;
  selectDimDb: number;
  /** While one of these is active, every other channel is dimmed by priorityDimDb. */
  priority: string[];
  priorityDimDb: number;
  /** What the feedback guard does to playback while transmitting once the microphone heard the speakers. */
  feedback: FeedbackAction;
}

export const DIM_LIMIT_DB = 40;

export const DEFAULT_CONSOLE_SETTINGS: ConsoleSettings = {
  pan: {},
  muted: [],
  solo: [],
  selected: null,
  selectDimDb: 12,
  priority: [],
  priorityDimDb: 12,
  feedback: 'duck',
};

function dimOf(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= DIM_LIMIT_DB
    ? value
    : fallback;
}

function idsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string').slice(0, 500) : [];
}

/** Keeps what is well-formed in stored settings and defaults the rest. */
export function normalizeConsoleSettings(raw: unknown): ConsoleSettings {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const pan: Record<string, Pan> = {};
  if (typeof value.pan === 'object' && value.pan !== null) {
    for (const [id, place] of Object.entries(value.pan as Record<string, unknown>)) {
      if (place === 'left' || place === 'centre' || place === 'right') pan[id] = place;
    }
  }
  return {
    pan,
    muted: idsOf(value.muted),
    solo: idsOf(value.solo),
    selected: typeof value.selected === 'string' ? value.selected : null,
    selectDimDb: dimOf(value.selectDimDb, DEFAULT_CONSOLE_SETTINGS.selectDimDb),
    priority: idsOf(value.priority),
    priorityDimDb: dimOf(value.priorityDimDb, DEFAULT_CONSOLE_SETTINGS.priorityDimDb),
    feedback:
      value.feedback === 'duck' || value.feedback === 'mute' || value.feedback === 'off'
        ? value.feedback
        : DEFAULT_CONSOLE_SETTINGS.feedback,
  };
}

const key = (userId: string) => `squelch.console.${userId}`;

/** Reads the dispatcher's console settings; anything missing or malformed falls back to its default. */
export function loadConsoleSettings(storage: Storage, userId: string): ConsoleSettings {
  try {
    const text = storage.getItem(key(userId));
    const raw: unknown = text === null ? {} : JSON.parse(text);
    return normalizeConsoleSettings(raw);
  } catch {
    return { ...DEFAULT_CONSOLE_SETTINGS };
  }
}

/** Saves the settings; returns false when the storage refused (private mode, quota). */
export function saveConsoleSettings(storage: Storage, userId: string, settings: ConsoleSettings): boolean {
  try {
    storage.setItem(key(userId), JSON.stringify(settings));
    return true;
  } catch {
    return false;
  }
}

/** What the mixer needs to know about a channel right now. */
export interface ChannelMixState {
  id: string;
  /** The channel's own volume slider, 0..1. */
  volume: number;
  /** Somebody other than this dispatcher holds the floor. */
  active: boolean;
}

/**
 * The linear gain of each channel: volume × mute/solo × select dim × priority dim. Solo wins over mute of
 * others; a muted channel stays silent even when soloed. A priority channel is never dimmed by priority.
 */
export function channelGains(settings: ConsoleSettings, channels: ChannelMixState[]): Map<string, number> {
  const solo = new Set(settings.solo);
  const muted = new Set(settings.muted);
  const priority = new Set(settings.priority);
  const priorityActive = channels.some((channel) => channel.active && priority.has(channel.id));
  const gains = new Map<string, number>();
  for (const channel of channels) {
    if (muted.has(channel.id) || (solo.size > 0 && !solo.has(channel.id))) {
      gains.set(channel.id, 0);
      continue;
    }
    let db = 0;
    if (settings.selected !== null && settings.selected !== channel.id) db -= settings.selectDimDb;
    if (priorityActive && !priority.has(channel.id)) db -= settings.priorityDimDb;
    gains.set(channel.id, channel.volume * 10 ** (db / 20));
  }
  return gains;
}
