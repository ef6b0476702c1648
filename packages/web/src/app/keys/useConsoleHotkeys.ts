import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import type { Radio } from '../radio/Radio';
import { assignHotkey, channelOfKey, loadHotkeys, saveHotkeys } from './consoleHotkeys';
import type { ConsoleHotkeys } from './consoleHotkeys';
import { isTypingTarget } from './useTalkKey';
import { listenHeldKeys } from './listenHeldKeys';

export interface ConsoleHotkeysControl {
  hotkeys: ConsoleHotkeys;
  /** Gives a key to a channel (taking it from another), or clears it with null. */
  assign: (channelId: string, code: string | null) => void;
  /** The storage refused the last save: the keys work until the page is closed. */
  unsaved: boolean;
}

/** Marks the element that is waiting for a new key: keys pressed there choose, they do not talk. */
export const CAPTURE_ATTRIBUTE = 'data-capturing-key';

/**
 * Per-channel talk keys of the dispatch console: while a channel's key is held, that channel transmits;
 * several keys may be held at once, each letting go of its own channel. Keys are ignored while typing, while
 * a dialog is open and while a tile waits for a new key. Every held key is released when the window loses
 * focus or the page is hidden (the keyup would never come), and when the console closes.
 * `talkBlocked(channelId)` says the console forbids talking on a channel (e.g. headphones not confirmed).
 */
export function useConsoleHotkeys(
  radio: Radio,
  talkKey: string | null,
  talkBlocked: (channelId: string) => boolean,
): ConsoleHotkeysControl {
  const storage = window.localStorage;
  const [hotkeys, setHotkeys] = useState(() => loadHotkeys(storage, radio.user.id));
  const [unsaved, setUnsaved] = useState(false);
  const held = useRef(new Map<string, string>());

  const assign = useCallback(
    (channelId: string, code: string | null) => {
      setHotkeys((current) => {
        const next = assignHotkey(current, channelId, code);
        setUnsaved(!saveHotkeys(storage, radio.user.id, next));
        return next;
      });
    },
    [storage, radio.user.id],
  );

  const down = useEffectEvent((event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // The general talk key keeps its meaning; a channel key equal to it is never consulted.
    if (event.code === talkKey) return;
    const channelId = channelOfKey(hotkeys, event.code);
    if (channelId === undefined) return;
    const target = event.target;
    if (isTypingTarget(target) || document.querySelector('dialog[open]') !== null) return;
    if (target instanceof Element && target.closest(`[${CAPTURE_ATTRIBUTE}]`) !== null) return;
    event.preventDefault();
    if (event.repeat || held.current.has(event.code) || talkBlocked(channelId)) return;
    held.current.set(event.code, channelId);
    void radio.press(channelId);
  });
  const up = useEffectEvent((event: KeyboardEvent) => {
    const channelId = held.current.get(event.code);
    if (channelId === undefined) return;
    event.preventDefault();
    held.current.delete(event.code);
    void radio.release(channelId);
  });
  const releaseAll = useEffectEvent(() => {
    const channels = [...held.current.values()];
    held.current.clear();
    for (const channelId of channels) void radio.release(channelId);
  });

  useEffect(
    () =>
      listenHeldKeys(
        (event) => down(event),
        (event) => up(event),
        () => releaseAll(),
      ),
    [],
  );

  // A key given to another channel (or taken away) while held lets go of its old channel.
  useEffect(() => {
    for (const [code, channelId] of [...held.current]) {
      if (hotkeys[channelId] !== code) {
        held.current.delete(code);
        void radio.release(channelId);
      }
    }
  }, [hotkeys, radio]);

  return { hotkeys, assign, unsaved };
}
