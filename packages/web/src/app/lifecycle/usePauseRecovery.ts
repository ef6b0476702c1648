import { useCallback, useEffect, useState } from 'react';
import type { Radio } from '../radio/Radio';

/** A tick of the page's own clock; a much longer gap means the page was frozen or suspended. */
const TICK_MS = 1_000;
/** A pause this long is told to the person (audio from then may have been missed). */
const NOTICE_AFTER_MS = 2_000;

export interface PauseNotice {
  /** How long the page was paused, whole seconds. */
  seconds: number;
}

/**
 * Recovers when the page comes back from being frozen (Chromium's `freeze`/`resume`, a phone suspending a
 * background page, which only shows as a gap in the page's own timers): the connection is checked at once
 * (ICE restarted; a dead socket reconnects, which rejoins the channels and re-reads the floor state), players
 * that were stopped are started again, and the person is told that audio may have been missed.
 */
export function usePauseRecovery(
  radio: Radio,
  unlockAudio: () => void,
): {
  notice: PauseNotice | null;
  dismiss: () => void;
} {
  const [notice, setNotice] = useState<PauseNotice | null>(null);
  useEffect(() => {
    let frozenAt: number | undefined;
    let lastTick = Date.now();
    const recover = (pausedMs: number) => {
      radio.networkChanged();
      unlockAudio();
      if (pausedMs >= NOTICE_AFTER_MS) setNotice({ seconds: Math.round(pausedMs / 1000) });
    };
    const onFreeze = () => {
      frozenAt = Date.now();
    };
    const onResume = () => {
      const pausedMs = frozenAt === undefined ? 0 : Date.now() - frozenAt;
      frozenAt = undefined;
      lastTick = Date.now();
      recover(pausedMs);
    };
    const ticker = setInterval(() => {
      const now = Date.now();
      const gap = now - lastTick;
      lastTick = now;
      // Hidden pages' timers are throttled to about once a minute: only a visible page's gap is a pause.
      if (frozenAt === undefined && document.visibilityState === 'visible' && gap > TICK_MS + NOTICE_AFTER_MS)
        recover(gap - TICK_MS);
    }, TICK_MS);
    document.addEventListener('freeze', onFreeze);
    document.addEventListener('resume', onResume);
    return () => {
      clearInterval(ticker);
      document.removeEventListener('freeze', onFreeze);
      document.removeEventListener('resume', onResume);
    };
  }, [radio, unlockAudio]);
  const dismiss = useCallback(() => setNotice(null), []);
  return { notice, dismiss };
}
