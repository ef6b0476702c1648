import { useCallback, useEffect, useRef, useState } from 'react';
import { listTransmissions } from './historyApi';
import type { HistoryApi, Transmission } from './historyApi';

const RECENT = 5;
const POLL_MS = 15_000;

function awayKey(history: HistoryApi, channelId: string): string {
  return `squelch.history.away.${history.userId}.${channelId}`;
}

/**
 * A channel's recent transmissions and those missed while away. "Away" starts when the channel stops being
 * heard here (not joined, or the connection down) and its start is remembered across reloads; the missed ones
 * are the transmissions of others started while away, kept until they are played or dismissed.
 */
export function useChannelHistory(
  history: HistoryApi,
  channelId: string,
  present: boolean,
  live: boolean,
): { recent: Transmission[]; missed: Transmission[]; clearMissed: () => void } {
  const [recent, setRecent] = useState<Transmission[]>([]);
  const [missed, setMissed] = useState<Transmission[]>([]);
  /** The time away: from when the channel stopped being heard here to when it was heard again (open: null). */
  const away = useRef<{ from: Date; to: Date | null } | null>(null);
  const key = awayKey(history, channelId);

  const refresh = useCallback(async () => {
    try {
      setRecent(await listTransmissions(history, channelId, { limit: RECENT }));
      const window = away.current;
      if (window !== null) {
        const later = await listTransmissions(history, channelId, { limit: 100, after: window.from });
        const to = window.to;
        const gone = later.filter(
          (t) => t.talkerId !== history.userId && (to === null || new Date(t.startedAt) <= to),
        );
        // Oldest first: the order to play them in.
        setMissed(gone.reverse());
      }
    } catch {
      // History is a convenience: a failed refresh keeps what is shown.
    }
  }, [history, channelId]);

  useEffect(() => {
    const stored = history.storage.getItem(key);
    if (!present) {
      const from = away.current?.from ?? (stored !== null ? new Date(stored) : new Date());
      away.current = { from, to: null };
      history.storage.setItem(key, from.toISOString());
    } else {
      if (away.current === null && stored !== null) away.current = { from: new Date(stored), to: null };
      if (away.current !== null && away.current.to === null) away.current.to = new Date();
      history.storage.removeItem(key);
    }
    const timer = setTimeout(() => void refresh(), 0);
    return () => clearTimeout(timer);
  }, [present, key, history, refresh]);

  // A transmission just ended (the channel went quiet): it is in the history now.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) {
      const timer = setTimeout(() => void refresh(), 700);
      wasLive.current = live;
      return () => clearTimeout(timer);
    }
    wasLive.current = live;
    return undefined;
  }, [live, refresh]);

  useEffect(() => {
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const clearMissed = useCallback(() => {
    away.current = null;
    setMissed([]);
  }, []);

  return { recent, missed, clearMissed };
}
