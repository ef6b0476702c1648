import type { AccessPolicy, AccessRemoved } from './AccessPolicy';

interface Entry {
  channels: Set<string>;
  /** Grows with every change to `channels`: a look-up started before a change must not overwrite it. */
  version: number;
}

/** How often a session-start load is retried when a removal for the user arrived while it ran. */
const LOAD_ATTEMPTS = 3;

/**
 * The channels each user with a session on this node may use, kept in memory so that join, press and
 * heartbeat do not query the database: loaded when a session starts, narrowed at once by the removals the
 * access bus delivers, replaced by the periodic reconciliation, and widened when a channel not yet known is
 * asked for (an assignment made after the load; this one look-up goes to the database).
 *
 * While the database is unreachable, what is known keeps working; only a channel not known yet cannot be
 * checked (the look-up's error reaches the caller).
 *
 * Races: every change bumps the user's version; a database answer is applied only if the version did not
 * move while it was computed, so a removal that arrives during a look-up is never undone by that look-up.
 */
export class ChannelRights {
  readonly #access: AccessPolicy;
  readonly #entries = new Map<string, Entry>();

  constructor(access: AccessPolicy) {
    this.#access = access;
  }

  /** Loads a user's channels at session start (again, if a removal raced the load). */
  async load(userId: string): Promise<void> {
    const entry = this.#entry(userId);
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt += 1) {
      const version = entry.version;
      const channels = (await this.#access.channelsOf([userId])).get(userId) ?? new Set<string>();
      if (entry.version === version) {
        this.#replace(entry, channels);
        return;
      }
    }
    // Removals keep arriving: the memory stays as it was; joins ask the database, reconciliation settles it.
  }

  /** Whether the user may use the channel: from memory when known, else from the database (then kept). */
  async allows(userId: string, channelId: string): Promise<boolean> {
    const entry = this.#entry(userId);
    if (entry.channels.has(channelId)) return true;
    const version = entry.version;
    const allowed = await this.#access.canUseChannel(userId, channelId);
    if (!allowed) return false;
    if (entry.version !== version) {
      // Something changed for this user meanwhile (perhaps this very channel was removed): ask again.
      return this.#access.canUseChannel(userId, channelId);
    }
    entry.channels.add(channelId);
    entry.version += 1;
    return true;
  }

  /** A removal from the bus: forgotten at once. */
  removed(change: AccessRemoved): void {
    const entry = this.#entries.get(change.userId);
    if (entry === undefined) return;
    if (change.kind === 'channel') entry.channels.delete(change.channelId);
    else entry.channels.clear();
    entry.version += 1;
  }

  /**
   * Reconciliation: the current channels of the users, from the database in one look-up. Returns, per user,
   * the fresh set, or nothing for a user whose memory changed during the look-up (checked on the next round).
   */
  async refresh(userIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const started = new Map(userIds.map((userId) => [userId, this.#entry(userId).version]));
    const fresh = await this.#access.channelsOf(userIds);
    const applied = new Map<string, Set<string>>();
    for (const [userId, version] of started) {
      const entry = this.#entries.get(userId);
      const channels = fresh.get(userId) ?? new Set<string>();
      if (entry === undefined || entry.version !== version) continue;
      this.#replace(entry, channels);
      applied.set(userId, channels);
    }
    return applied;
  }

  /** Drops the memory of a user who has no session here any more. */
  forget(userId: string): void {
    this.#entries.delete(userId);
  }

  /** Users held in memory (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #entry(userId: string): Entry {
    let entry = this.#entries.get(userId);
    if (entry === undefined) {
      entry = { channels: new Set(), version: 0 };
      this.#entries.set(userId, entry);
    }
    return entry;
  }

  #replace(entry: Entry, channels: Set<string>): void {
    entry.channels = new Set(channels);
    entry.version += 1;
  }
}
