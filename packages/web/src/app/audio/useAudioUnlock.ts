import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Radio } from '../radio/Radio';
import { AudioUnlock } from './AudioUnlock';

/**
 * The page's AudioUnlock for the workspace's lifetime: whether sound is held back, and unlock() for a gesture
 * (it also retries the channels' players). Any tap or key press anywhere unlocks too.
 */
export function useAudioUnlock(radio: Radio): { locked: boolean; unlock: () => void } {
  const [audio] = useState(() => new AudioUnlock());
  useEffect(() => () => audio.close(), [audio]);
  const locked = useSyncExternalStore(
    (onChange) => audio.on('change', onChange),
    () => audio.locked,
  );
  const unlock = useCallback(() => {
    audio.unlock();
    radio.resumeAudio();
  }, [audio, radio]);
  useEffect(() => {
    window.addEventListener('pointerdown', unlock, { capture: true });
    window.addEventListener('keydown', unlock, { capture: true });
    return () => {
      window.removeEventListener('pointerdown', unlock, { capture: true });
      window.removeEventListener('keydown', unlock, { capture: true });
    };
  }, [unlock]);
  return { locked, unlock };
}
