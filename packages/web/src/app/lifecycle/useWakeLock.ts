import { useEffect, useState } from 'react';
import type { PttSettings } from '@squelch/client';

/** Whether this browser can keep the screen on (Screen Wake Lock API; feature detection only). */
export const WAKE_LOCK_SUPPORTED = typeof navigator !== 'undefined' && 'wakeLock' in navigator;

/** A phone or tablet: the primary pointer is a finger. */
function isPhone(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}

/** The keep-screen-on setting resolved for this device. */
export function keepsScreenOn(setting: PttSettings['keepScreenOn']): boolean {
  return setting === 'on' || (setting === 'auto' && isPhone());
}

/**
 * Keeps the screen on (Screen Wake Lock) while `active` (signed in and listening, setting on). The browser
 * releases the lock whenever the page is hidden; it is asked for again as soon as the page is visible.
 * Returns whether the lock is held now.
 */
export function useWakeLock(active: boolean): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!active || !WAKE_LOCK_SUPPORTED) return;
    let sentinel: WakeLockSentinel | undefined;
    let stopped = false;
    const acquire = async () => {
      if (stopped || document.visibilityState !== 'visible' || (sentinel !== undefined && !sentinel.released))
        return;
      try {
        const lock = await navigator.wakeLock.request('screen');
        if (stopped) {
          void lock.release();
          return;
        }
        sentinel = lock;
        setHeld(true);
        lock.addEventListener('release', () => setHeld(false), { once: true });
      } catch {
        // Refused (battery saver, not visible, policy): nothing to do until the page is shown again.
        setHeld(false);
      }
    };
    const onVisibility = () => void acquire();
    document.addEventListener('visibilitychange', onVisibility);
    void acquire();
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisibility);
      void sentinel?.release().catch(() => undefined);
      setHeld(false);
    };
  }, [active]);
  return held;
}
