import { useCallback, useEffect, useRef, useState } from 'react';
import { listTransmissions } from './historyApi';
import type { HistoryApi, Transmission } from './historyApi';
import { back, leave, missedIn } from './awayWindows';
import type { AwayWindow } from './awayWindows';

const RECENT = 5;
const POLL_MS = 15_000;

function awayKey(history: HistoryApi, channelId: string): string {
  return `squelch.history.away.${history.userId}.${channelId}`;
}

/**
 * A channel's recent transmissions and those missed while away. "Away" starts when the channel stops being
 * heard here (not joined, or the connection down) and its start is remembered across reloads; the missed ones
 * are the transmissions of others started while away, kept until they are played or dismissed. Each absence is
 * its own window: what was heard between two absences is not counted as missed.
 */
export function useChannelHistory(
  history: HistoryApi,
  channelId: string,
  present: boolean,
  live: boolean,
): { recent: Transmission[]; missed: Transmission[]; clearMissed: () => void } {
  const [recent, setRecent] = useState<Transmission[]>([]);
  const [missed, setMissed] = useState<Transmission[]>([]);
  /**
   * The times away not yet played or dismissed, oldest first: from when the channel stopped being heard here
   * to when it was heard again (the current absence: to null).
   */
  const away = useRef<AwayWindow[]>([]);
  const key = awayKey(history, channelId);

  const refresh = useCallback(async () => {
    try {
      setRecent(await listTransmissions(history, channelId, { limit: RECENT }));
      const windows = away.current;
      const first = windows[0];
      if (first !== undefined) {
        const later = await listTransmissions(history, channelId, { limit: 100, after: first.from });
        setMissed(missedIn(windows, later, history.userId));
      }
    } catch {
      // History is a convenience: a failed refresh keeps what is shown.
    }
  }, [history, channelId]);

  useEffect(() => {
    const kept = history.storage.getItem(key);
    const stored = kept !== null ? new Date(kept) : null;
    if (!present) {
      away.current = leave(away.current, stored, new Date());
      history.storage.setItem(key, away.current.at(-1)!.from.toISOString());
    } else {
      away.current = back(away.current, stored, new Date());
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
    // Played or dismissed: only a current absence stays open.
    away.current = away.current.filter((w) => w.to === null);
    setMissed([]);
  }, []);

  return { recent, missed, clearMissed };
}
