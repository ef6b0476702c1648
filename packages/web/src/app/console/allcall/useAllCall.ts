import { useCallback, useRef, useState } from 'react';
import type { Radio } from '../../radio/Radio';

/** What an all-call got: the channels it talks on, and the busy ones it left alone (with who is talking). */
export interface AllCallReport {
  taken: string[];
  busy: { channelId: string; holder: string }[];
  /** Refused for another reason (not joined, floor service unavailable, ...). */
  failed: string[];
}

export interface AllCall {
  selected: ReadonlySet<string>;
  toggle: (channelId: string, on: boolean) => void;
  clear: () => void;
  active: boolean;
  report: AllCallReport | null;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Talking on several channels at once. start() requests the floor on every selected channel at the same
 * time, except those somebody else is talking on (reported as busy, never taken over); a request refused
 * meanwhile counts as busy too. stop() releases every floor it asked for, together.
 */
export function useAllCall(radio: Radio): AllCall {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [active, setActive] = useState(false);
  const [report, setReport] = useState<AllCallReport | null>(null);
  const pressed = useRef<string[]>([]);

  const toggle = useCallback((channelId: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(channelId);
      else next.delete(channelId);
      return next;
    });
  }, []);
  const clear = useCallback(() => setSelected(new Set()), []);

  const start = useCallback(async () => {
    if (pressed.current.length > 0) return;
    const busy: AllCallReport['busy'] = [];
    const failed: string[] = [];
    const ask: string[] = [];
    for (const channel of radio.getSnapshot().channels) {
      const id = channel.info.id;
      if (!selected.has(id)) continue;
      if (!channel.joined) failed.push(id);
      else if (channel.floor.state === 'taken' && channel.floor.holder.userId !== radio.user.id) {
        busy.push({ channelId: id, holder: channel.floor.holder.displayName });
      } else ask.push(id);
    }
    pressed.current = ask;
    setActive(true);
    setReport({ taken: [], busy, failed });
    await Promise.all(ask.map((id) => radio.press(id)));
    const taken: string[] = [];
    for (const id of ask) {
      const channel = radio.getSnapshot().channels.find((each) => each.info.id === id);
      if (channel?.phase === 'transmitting') taken.push(id);
      else if (channel?.floor.state === 'taken' && channel.floor.holder.userId !== radio.user.id) {
        busy.push({ channelId: id, holder: channel.floor.holder.displayName });
      } else if (pressed.current.includes(id)) failed.push(id);
    }
    setReport({ taken, busy, failed });
  }, [radio, selected]);

  const stop = useCallback(async () => {
    const ids = pressed.current;
    pressed.current = [];
    setActive(false);
    await Promise.all(ids.map((id) => radio.release(id)));
  }, [radio]);

  return { selected, toggle, clear, active, report, start, stop };
}
