import { useEffect, useEffectEvent, useRef } from 'react';
import type { Radio } from '../radio/Radio';
import { listenHeldKeys } from './listenHeldKeys';

/** True when a key press belongs to the element being typed in (text fields, editable content, selects). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'color', 'file'].includes(
      target.type,
    );
  }
  return false;
}

/**
 * Hold-to-talk from the keyboard: while the talk key (Space by default, configurable in Settings) is held, the
 * talk channel transmits; letting go releases. The key is ignored while typing in a text field and while a
 * modal dialog is open (Settings captures a new key there). A held key is released when the window loses
 * focus or the page is hidden, because the keyup would never arrive.
 */
export function useTalkKey(radio: Radio, talkKey: string | null, channelId: string | null): void {
  const heldRef = useRef<string | null>(null);
  const press = useEffectEvent((event: KeyboardEvent) => {
    if (talkKey === null || event.code !== talkKey) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(event.target) || document.querySelector('dialog[open]') !== null) return;
    // A console tile waiting for its new key: the key chooses, it does not talk.
    if (event.target instanceof Element && event.target.closest('[data-capturing-key]') !== null) return;
    // Also stops the focused button from being clicked by Space and the page from scrolling.
    event.preventDefault();
    if (event.repeat || heldRef.current !== null || channelId === null) return;
    heldRef.current = channelId;
    void radio.press(channelId);
  });
  const release = useEffectEvent((event: KeyboardEvent | null) => {
    if (event !== null && (talkKey === null || event.code !== talkKey)) return;
    const held = heldRef.current;
    if (held === null) return;
    event?.preventDefault();
    heldRef.current = null;
    void radio.release(held);
  });

  useEffect(
    () =>
      listenHeldKeys(
        (event) => press(event),
        (event) => release(event),
        () => release(null),
      ),
    [],
  );

  // Changing the key or the talk channel while held lets go of the old press.
  useEffect(() => () => release(null), [talkKey, channelId]);
}
