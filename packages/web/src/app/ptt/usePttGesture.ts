import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { MouseEvent, PointerEvent } from 'react';
import type { PttMode } from '@squelch/client';

export interface PttGestureOptions {
  mode: PttMode;
  /** A press is active (requesting or transmitting). */
  active: boolean;
  disabled: boolean;
  onPress: () => void;
  onRelease: () => void;
}

export interface PttGesture {
  /** The button is physically held down (hold mode), for the pressed look before the server answers. */
  held: boolean;
  handlers: {
    onPointerDown: (event: PointerEvent<HTMLButtonElement>) => void;
    onPointerUp: (event: PointerEvent<HTMLButtonElement>) => void;
    onPointerCancel: (event: PointerEvent<HTMLButtonElement>) => void;
    onLostPointerCapture: (event: PointerEvent<HTMLButtonElement>) => void;
    onPointerLeave: (event: PointerEvent<HTMLButtonElement>) => void;
    onClick: (event: MouseEvent<HTMLButtonElement>) => void;
    onContextMenu: (event: MouseEvent<HTMLButtonElement>) => void;
  };
}

/**
 * Pointer handling of a talk button, for mouse and touch alike.
 *
 * Hold mode: pointerdown presses and captures the pointer, so the release arrives wherever the pointer is let
 * go; pointerup, pointercancel and lostpointercapture release; so does leaving the button when capture could
 * not be taken. Toggle mode: a click switches on, the next click switches off.
 * In both modes a window blur or a hidden tab releases: a forgotten open microphone is worse than a cut-off
 * sentence. A click without a pointer (keyboard, screen reader activation) toggles in either mode.
 */
export function usePttGesture(options: PttGestureOptions): PttGesture {
  const { mode, active, disabled } = options;
  const [held, setHeld] = useState(false);
  const pointerRef = useRef<number | null>(null);
  const { onPress, onRelease } = options;
  const releaseFromEffect = useEffectEvent(() => onRelease());
  const isEngaged = useEffectEvent(() => pointerRef.current !== null || active);

  const end = (pointerId?: number) => {
    if (pointerRef.current === null || (pointerId !== undefined && pointerId !== pointerRef.current)) return;
    pointerRef.current = null;
    setHeld(false);
    onRelease();
  };

  useEffect(() => {
    const stop = () => {
      if (!isEngaged()) return;
      pointerRef.current = null;
      setHeld(false);
      releaseFromEffect();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') stop();
    };
    // A pointerup the button never saw (capture refused, element re-rendered away) still releases.
    const onWindowPointerUp = (event: globalThis.PointerEvent) => {
      if (pointerRef.current === event.pointerId) stop();
    };
    window.addEventListener('blur', stop);
    window.addEventListener('pointerup', onWindowPointerUp);
    window.addEventListener('pointercancel', onWindowPointerUp);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('blur', stop);
      window.removeEventListener('pointerup', onWindowPointerUp);
      window.removeEventListener('pointercancel', onWindowPointerUp);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);

  // Unmounting while held or toggled on (channel left, view switched, tile filtered out) must not leave the
  // microphone on.
  useEffect(
    () => () => {
      if (isEngaged()) releaseFromEffect();
    },
    [],
  );

  return {
    held,
    handlers: {
      onPointerDown(event) {
        if (disabled || (event.pointerType === 'mouse' && event.button !== 0)) return;
        // No text selection, no focus-scroll, no emulated mouse events.
        event.preventDefault();
        if (mode !== 'hold' || pointerRef.current !== null) return;
        pointerRef.current = event.pointerId;
        try {
          event.currentTarget.setPointerCapture(event.pointerId);
        } catch {
          // Capture can be refused; pointerleave and the window listener still catch the release.
        }
        setHeld(true);
        onPress();
      },
      onPointerUp(event) {
        end(event.pointerId);
      },
      onPointerCancel(event) {
        end(event.pointerId);
      },
      onLostPointerCapture(event) {
        end(event.pointerId);
      },
      onPointerLeave(event) {
        if (!event.currentTarget.hasPointerCapture(event.pointerId)) end(event.pointerId);
      },
      onClick(event) {
        if (disabled) return;
        const fromPointer = event.detail > 0;
        if (mode === 'hold' && fromPointer) return;
        if (active) onRelease();
        else onPress();
      },
      onContextMenu(event) {
        // A long press on touch screens would open the context menu (and cancel the pointer).
        event.preventDefault();
      },
    },
  };
}
