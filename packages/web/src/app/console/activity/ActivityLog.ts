import { Emitter } from '@squelch/client';
import type { ChannelState, RadioSnapshot } from '../../radio/RadioState';

/** One transmission heard (or made) on the console. */
export interface Activity {
  id: number;
  channelId: string;
  channelName: string;
  talkerId: string;
  talker: string;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms; null while the talker is still on the air. */
  endedAt: number | null;
}

/** How many transmissions the list keeps (the latest first). */
export const ACTIVITY_LIMIT = 50;

function talkerOf(channel: ChannelState, self: { id: string; displayName: string }) {
  if (!channel.joined) return null;
  if (channel.floor.state === 'taken') return channel.floor.holder;
  if (channel.phase === 'transmitting') return { userId: self.id, displayName: self.displayName };
  return null;
}

/**
 * Who talked where, from the radio's floor state: every change of talker on a joined channel opens an entry,
 * the floor going idle (or another talker taking it, or the channel being left) closes it. Keeps the latest
 * 50 across channels and the last one per channel. Fed with each snapshot; owned by the console.
 */
export class ActivityLog extends Emitter<{ change: [] }> {
  readonly #self: { id: string; displayName: string };
  readonly #now: () => number;
  readonly #open = new Map<string, Activity>();
  readonly #last = new Map<string, Activity>();
  #entries: readonly Activity[] = [];
  #ids = 0;

  constructor(self: { id: string; displayName: string }, now: () => number = Date.now) {
    super();
    this.#self = self;
    this.#now = now;
  }

  /** Latest first; a new array whenever something changed. */
  get entries(): readonly Activity[] {
    return this.#entries;
  }

  /** The latest transmission on a channel (ongoing or finished), if any since the console opened. */
  last(channelId: string): Activity | undefined {
    return this.#last.get(channelId);
  }

  update(snapshot: RadioSnapshot): void {
    const now = this.#now();
    let changed = false;
    const seen = new Set<string>();
    for (const channel of snapshot.channels) {
      const id = channel.info.id;
      seen.add(id);
      const talker = talkerOf(channel, this.#self);
      const open = this.#open.get(id);
      if (open !== undefined && open.talkerId === talker?.userId) continue;
      if (open !== undefined) {
        this.#close(open, now);
        changed = true;
      }
      if (talker !== null) {
        const entry: Activity = {
          id: (this.#ids += 1),
          channelId: id,
          channelName: channel.info.name,
          talkerId: talker.userId,
          talker: talker.displayName,
          startedAt: now,
          endedAt: null,
        };
        this.#open.set(id, entry);
        this.#last.set(id, entry);
        this.#entries = [entry, ...this.#entries].slice(0, ACTIVITY_LIMIT);
        changed = true;
      }
    }
    for (const [id, open] of this.#open) {
      if (seen.has(id)) continue;
      this.#close(open, now);
      changed = true;
    }
    if (changed) this.emit('change');
  }

  #close(entry: Activity, now: number): void {
    this.#open.delete(entry.channelId);
    const closed = { ...entry, endedAt: now };
    if (this.#last.get(entry.channelId)?.id === entry.id) this.#last.set(entry.channelId, closed);
    this.#entries = this.#entries.map((other) => (other.id === entry.id ? closed : other));
  }
}
