/**
 * The dispatcher's per-channel talk keys: which key (a KeyboardEvent.code such as "F1" or "Digit3") holds
 * which channel's talk button. Remembered per dispatcher in local storage, like the console's mix.
 */
export type ConsoleHotkeys = Record<string, string>;

/** Keys that keep their usual meaning and can never talk. */
export const RESERVED_CODES = new Set(['Escape', 'Tab', 'Enter', 'Backspace', 'Delete']);

/** Channels with a key at most; a longer stored map is cut (nobody has more keys than this). */
const LIMIT = 200;

/** Keeps well-formed entries (channel id → key code), one channel per key: a later duplicate is dropped. */
export function normalizeHotkeys(raw: unknown): ConsoleHotkeys {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const result: ConsoleHotkeys = {};
  const used = new Set<string>();
  for (const [channelId, code] of Object.entries(raw as Record<string, unknown>).slice(0, LIMIT)) {
    if (typeof code !== 'string' || code === '' || code.length > 40 || RESERVED_CODES.has(code)) continue;
    if (used.has(code)) continue;
    used.add(code);
    result[channelId] = code;
  }
  return result;
}

/** Gives `code` to `channelId` (taking it from any other channel), or clears the channel's key with null. */
export function assignHotkey(
  hotkeys: ConsoleHotkeys,
  channelId: string,
  code: string | null,
): ConsoleHotkeys {
  const next: ConsoleHotkeys = {};
  for (const [id, existing] of Object.entries(hotkeys)) {
    if (id !== channelId && existing !== code) next[id] = existing;
  }
  if (code !== null) next[channelId] = code;
  return next;
}

/** The channel a key talks on, or undefined. */
export function channelOfKey(hotkeys: ConsoleHotkeys, code: string): string | undefined {
  for (const [channelId, existing] of Object.entries(hotkeys)) if (existing === code) return channelId;
  return undefined;
}

const key = (userId: string) => `squelch.hotkeys.${userId}`;

export function loadHotkeys(storage: Storage, userId: string): ConsoleHotkeys {
  try {
    const text = storage.getItem(key(userId));
    return normalizeHotkeys(text === null ? {} : JSON.parse(text));
  } catch {
    return {};
  }
}

/** Saves the keys; false when the storage refused (private mode, quota). */
export function saveHotkeys(storage: Storage, userId: string, hotkeys: ConsoleHotkeys): boolean {
  try {
    storage.setItem(key(userId), JSON.stringify(hotkeys));
    return true;
  } catch {
    return false;
  }
}
