/** One absence from a channel: from when it stopped being heard here to when it was heard again (open: null). */
export interface AwayWindow {
  from: Date;
  to: Date | null;
}

/** The channel stopped being heard here: opens a window unless one is open (`stored`: a start kept over a reload). */
export function leave(windows: AwayWindow[], stored: Date | null, now: Date): AwayWindow[] {
  if (windows.at(-1)?.to === null) return windows;
  const from = windows.length === 0 && stored !== null ? stored : now;
  return [...windows, { from, to: null }];
}

/** The channel is heard here again: closes the open window (or the one a reload remembered). */
export function back(windows: AwayWindow[], stored: Date | null, now: Date): AwayWindow[] {
  if (windows.length === 0) return stored !== null ? [{ from: stored, to: now }] : windows;
  const last = windows.at(-1);
  if (last === undefined || last.to !== null) return windows;
  return [...windows.slice(0, -1), { from: last.from, to: now }];
}

/** The transmissions of others that started inside a window, oldest first (the order to play them in). */
export function missedIn<T extends { talkerId: string | null; startedAt: string }>(
  windows: readonly AwayWindow[],
  newestFirst: readonly T[],
  userId: string,
): T[] {
  return newestFirst
    .filter((t) => {
      const started = new Date(t.startedAt);
      return (
        t.talkerId !== userId && windows.some((w) => started >= w.from && (w.to === null || started <= w.to))
      );
    })
    .reverse();
}
