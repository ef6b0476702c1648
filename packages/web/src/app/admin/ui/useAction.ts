import { useCallback, useRef, useState } from 'react';
import { messageOf } from '../data/validation';

export interface Action {
  busy: boolean;
  /** A client-side problem or the server's refusal, to show next to the control that caused it. */
  error: string | null;
  /**
   * Runs `work` unless `problem` (a client-side validation message) is set; resolves true when it
   * succeeded. Only one at a time: a second call while busy is ignored.
   */
  run: (work: () => Promise<void>, problem?: string | null) => Promise<boolean>;
  clearError: () => void;
}

/** Busy and error state of one form or button that calls the server. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Also guards two clicks within one render, before `busy` is re-rendered.
  const running = useRef(false);

  const run = useCallback(
    async (work: () => Promise<void>, problem: string | null = null): Promise<boolean> => {
      if (problem !== null) {
        setError(problem);
        return false;
      }
      if (running.current) return false;
      running.current = true;
      setBusy(true);
      setError(null);
      try {
        await work();
        return true;
      } catch (caught) {
        setError(messageOf(caught));
        return false;
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [],
  );

  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}
