import { useCallback, useEffect, useState } from 'react';
import { messageOf } from './validation';

export interface Loaded<T> {
  /** The last successful answer (kept while reloading, so lists do not flicker). */
  data: T | undefined;
  /** The server's message when the last load failed. */
  error: string | null;
  /** True until the current `load` (or a reload) has answered. */
  loading: boolean;
  reload: () => void;
}

interface Answer<T> {
  source: () => Promise<T>;
  version: number;
  data: T | undefined;
  error: string | null;
}

/**
 * Runs `load` (memoise it with useCallback) and again whenever it changes or `reload()` is called. Answers
 * that arrive after a newer load started are dropped. When `load` changes, the old data is dropped at once
 * (another event's teams must not show under this one) unless `keepPrevious` is set (a search narrowing the
 * same list: rows stay until the new answer replaces them).
 */
export function useLoad<T>(load: () => Promise<T>, options: { keepPrevious?: boolean } = {}): Loaded<T> {
  const [version, setVersion] = useState(0);
  const [answer, setAnswer] = useState<Answer<T> | undefined>(undefined);

  useEffect(() => {
    let current = true;
    load().then(
      (data) => {
        if (current) setAnswer({ source: load, version, data, error: null });
      },
      (error: unknown) => {
        if (current) {
          setAnswer((previous) => ({ source: load, version, data: previous?.data, error: messageOf(error) }));
        }
      },
    );
    return () => {
      current = false;
    };
  }, [load, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const settled = answer !== undefined && answer.source === load && answer.version === version;
  return {
    data: answer?.source === load || options.keepPrevious === true ? answer?.data : undefined,
    error: settled ? answer.error : null,
    loading: !settled,
    reload,
  };
}
