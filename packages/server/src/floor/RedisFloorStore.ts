import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TypedEmitter } from '../util/TypedEmitter';
import { ExpiryWatchdog } from './ExpiryWatchdog';
import type {
  AcquireResult,
  FloorGrant,
  FloorHolder,
  FloorIdleEvent,
  FloorPreemptor,
  FloorStore,
  FloorStoreEvents,
  ReleaseOptions,
} from './FloorStore';
import { FloorStoreError } from './FloorStoreError';
import { decodeGrant, decodeMessage, encodeMessage } from './grantCodec';
import { GrantView } from './GrantView';
import { RedisLink } from './RedisLink';
import { priorityOf } from './priority';
import { floorScripts } from './redisScripts';
import { assertTtl } from './ttl';

export interface RedisFloorStoreOptions {
  /** redis://host:port/db */
  url: string;
  /** Prepended to every key and pub/sub channel, so several deployments (or tests) can share one Redis. */
  keyPrefix: string;
  logger: Logger;
  /** A command without an answer after this long fails with 'unavailable'. Default 2000. */
  commandTimeoutMs?: number;
  /** One connection attempt gives up after this long (then it is retried). Default 3000. */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts. Default 2000. */
  maxReconnectDelayMs?: number;
  /** Ask Redis (CONFIG SET) to report expired keys. Without it only the watchdog notices expiries. Default true. */
  keyspaceNotifications?: boolean;
  /**
   * How long after a lock's expiry the watchdog re-reads it. Default 100 ms, or 1 s while keyspace
   * notifications are known to be on (the watchdog is then only a safety net).
   */
  watchdogMarginMs?: number;
}

/** When a watchdog check cannot reach Redis, try again after this long. */
const CHECK_RETRY_MS = 1000;

/**
 * Floor locks in Redis, shared by every node. Per channel one key `<prefix>floor:<channelId>` holds the
 * grant as JSON with a TTL, and `<prefix>floor-fence:<channelId>` (no TTL) the last fencing number; the Lua scripts in redisScripts.ts acquire, renew and release it and publish
 * "taken" / "idle" on `<prefix>floor-events`, which a second (subscriber) connection receives.
 *
 * Expiry is noticed two ways: keyspace notifications for expired keys (enabled with CONFIG SET when Redis
 * allows it, re-applied after every reconnection since a restarted Redis forgets it) and a watchdog that
 * re-reads every known grant shortly after its expiry. Either one re-reads the key before announcing
 * anything, so a notification can never end a newer grant.
 *
 * Failures: commands are not queued while disconnected and have a timeout, so every call settles quickly
 * with FloorStoreError ('unavailable'). Both connections reconnect by themselves; when both are back, the
 * store re-subscribes, re-applies the notification setting and re-reads all locks (grants that vanished
 * while it was away end as 'lost', unseen grants are announced as taken) before reporting 'up'.
 */
export class RedisFloorStore implements FloorStore {
  readonly events: TypedEmitter<FloorStoreEvents>;
  readonly #log: Logger;
  readonly #link: RedisLink;
  readonly #lockPrefix: string;
  readonly #fencePrefix: string;
  readonly #eventsChannel: string;
  readonly #expiredChannel: string;
  readonly #useNotifications: boolean;
  readonly #marginOverride: number | undefined;
  readonly #view = new GrantView();
  readonly #watchdog: ExpiryWatchdog;
  #notificationsOn = false;

  /** Creates a store and waits until it is connected and caught up; rejects (and closes it) on timeout. */
  static async connect(options: RedisFloorStoreOptions, timeoutMs = 10_000): Promise<RedisFloorStore> {
    const store = new RedisFloorStore(options);
    try {
      await store.whenHealthy(timeoutMs);
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  constructor(options: RedisFloorStoreOptions) {
    this.#log = options.logger.child({ module: 'floor-store', store: 'redis' });
    this.events = new TypedEmitter<FloorStoreEvents>(this.#log);
    this.#lockPrefix = `${options.keyPrefix}floor:`;
    this.#fencePrefix = `${options.keyPrefix}floor-fence:`;
    this.#eventsChannel = `${options.keyPrefix}floor-events`;
    this.#useNotifications = options.keyspaceNotifications ?? true;
    this.#marginOverride = options.watchdogMarginMs;
    this.#watchdog = new ExpiryWatchdog(
      (channelId, grantId) => void this.#check(channelId, grantId, 'expired'),
    );

    this.#link = new RedisLink({
      url: options.url,
      logger: this.#log,
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
      commandTimeoutMs: options.commandTimeoutMs ?? 2000,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? 2000,
      catchUp: () => this.#catchUp(),
      onHealth: (health) => {
        if (health === 'up') {
          this.#log.info({ keyspaceNotifications: this.#notificationsOn }, 'connected to Redis');
        }
        this.events.emit('health', health);
      },
    });
    this.#expiredChannel = `__keyevent@${this.#link.db}__:expired`;
    this.#link.subscriber.on('message', (channel: string, message: string) =>
      this.#onMessage(channel, message),
    );
  }

  async acquire(channelId: string, holder: FloorHolder, ttlMs: number): Promise<AcquireResult> {
    assertTtl(ttlMs);
    const now = Date.now();
    const preemptor: FloorPreemptor = { userId: holder.userId, displayName: holder.displayName };
    // The script adds the fencing number it takes with the lock.
    const draft: Omit<FloorGrant, 'fence'> = {
      grantId: randomUUID(),
      channelId,
      holder: { ...holder },
      grantedAt: now,
      expiresAt: now + ttlMs,
    };
    const reply = await this.#run('take the floor', () =>
      floorScripts.acquire.run(
        this.#link.command,
        [this.#key(channelId), this.#fenceKey(channelId)],
        [JSON.stringify(draft), ttlMs, this.#eventsChannel, priorityOf(holder), JSON.stringify(preemptor)],
      ),
    );
    if (!Array.isArray(reply) || typeof reply[1] !== 'string') throw this.#malformed(channelId);
    const stored = decodeGrant(reply[1]);
    if (stored === null) throw this.#malformed(channelId);
    if (reply[0] === 1) {
      const preempted = typeof reply[2] === 'string' ? decodeGrant(reply[2]) : null;
      if (preempted === null) {
        this.#noteTaken(stored, ttlMs);
        return { granted: true, grant: stored };
      }
      // The same order as published: the pre-empted grant ends before the new one is announced.
      this.#noteEnded({
        channelId,
        grantId: preempted.grantId,
        reason: 'released',
        revokeReason: 'preempted',
        preemptedBy: preemptor,
      });
      this.#noteTaken(stored, ttlMs);
      return { granted: true, grant: stored, preempted };
    }
    return { granted: false, current: stored };
  }

  async renew(channelId: string, grantId: string, ttlMs: number): Promise<FloorGrant | null> {
    assertTtl(ttlMs);
    const reply = await this.#run('renew the floor', () =>
      floorScripts.renew.run(this.#link.command, [this.#key(channelId)], [grantId, ttlMs, Date.now()]),
    );
    if (reply === null) return null;
    const grant = typeof reply === 'string' ? decodeGrant(reply) : null;
    if (grant === null) throw this.#malformed(channelId);
    if (this.#view.holds(channelId, grantId)) {
      this.#view.renewed(grant);
      this.#watchdog.watch(channelId, grantId, ttlMs + this.#margin());
    }
    return grant;
  }

  async release(channelId: string, grantId: string, options: ReleaseOptions = {}): Promise<boolean> {
    const idle: FloorIdleEvent = { channelId, grantId, reason: 'released' };
    if (options.revokeReason !== undefined) idle.revokeReason = options.revokeReason;
    const message = encodeMessage({ type: 'idle', ...idle });
    const reply = await this.#run('release the floor', () =>
      floorScripts.release.run(
        this.#link.command,
        [this.#key(channelId)],
        [grantId, this.#eventsChannel, message],
      ),
    );
    if (reply !== 1) return false;
    this.#noteEnded(idle);
    return true;
  }

  async current(channelId: string): Promise<FloorGrant | null> {
    return (await this.#peek(channelId))?.grant ?? null;
  }

  isHealthy(): boolean {
    return this.#link.isUp();
  }

  /** Whether Redis reports expired locks itself (otherwise only the watchdog notices them). */
  get keyspaceNotificationsActive(): boolean {
    return this.#notificationsOn;
  }

  /** Resolves once the store is connected and caught up; rejects with 'unavailable' after `timeoutMs`. */
  whenHealthy(timeoutMs: number): Promise<void> {
    if (this.#link.isUp()) return Promise.resolve();
    if (this.#link.closed) return Promise.reject(new FloorStoreError('The floor store is closed.'));
    return new Promise((resolve, reject) => {
      const onHealth = (health: 'up' | 'down'): void => {
        if (health !== 'up') return;
        clearTimeout(timer);
        this.events.off('health', onHealth);
        resolve();
      };
      const timer = setTimeout(() => {
        this.events.off('health', onHealth);
        reject(new FloorStoreError(`The floor store could not reach Redis within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.events.on('health', onHealth);
    });
  }

  async close(): Promise<void> {
    if (this.#link.closed) return;
    this.#watchdog.clear();
    this.#view.clear();
    await this.#link.close();
    this.#log.debug('floor store closed');
  }

  /* ---- events from Redis ---- */

  #onMessage(channel: string, message: string): void {
    if (this.#link.closed) return;
    if (channel === this.#expiredChannel) {
      if (!message.startsWith(this.#lockPrefix)) return;
      const channelId = message.slice(this.#lockPrefix.length);
      const known = this.#view.get(channelId);
      if (known !== undefined) void this.#check(channelId, known.grantId, 'expired');
      return;
    }
    if (channel !== this.#eventsChannel) return;
    const decoded = decodeMessage(message);
    if (decoded === null) {
      this.#log.warn({ channel }, 'ignored a malformed floor event');
      return;
    }
    if (decoded.type === 'taken') {
      this.#noteTaken(decoded.grant, decoded.grant.expiresAt - decoded.grant.grantedAt);
    } else {
      const { type: _type, ...idle } = decoded;
      this.#noteEnded(idle);
    }
  }

  /** Announces `grant` unless already known or ended; `remainingMs` arms the watchdog. */
  #noteTaken(grant: FloorGrant, remainingMs: number): void {
    const change = this.#view.take(grant);
    if (change === null) return;
    if (change.displaced !== undefined) {
      // Its end was never observed (no release was published before this grant, so it expired).
      const { channelId, grantId } = change.displaced;
      this.events.emit('idle', { channelId, grantId, reason: 'expired' });
    }
    this.#watchdog.watch(grant.channelId, grant.grantId, remainingMs + this.#margin());
    this.events.emit('taken', grant);
  }

  #noteEnded(idle: FloorIdleEvent): void {
    if (this.#view.end(idle.channelId, idle.grantId) === undefined) return;
    this.#watchdog.cancel(idle.channelId, idle.grantId);
    this.events.emit('idle', idle);
  }

  /** Re-reads a known grant's lock; ends the grant if the lock is gone or belongs to someone else. */
  async #check(channelId: string, grantId: string, reason: 'expired' | 'lost'): Promise<void> {
    if (!this.#view.holds(channelId, grantId)) return;
    let lock: { grant: FloorGrant; remainingMs: number } | null;
    try {
      lock = await this.#peek(channelId);
    } catch {
      // Unreachable now; the catch-up after reconnecting re-reads every lock anyway.
      if (!this.#link.closed && this.#view.holds(channelId, grantId)) {
        this.#watchdog.watch(channelId, grantId, CHECK_RETRY_MS);
      }
      return;
    }
    if (this.#link.closed || !this.#view.holds(channelId, grantId)) return;
    if (lock?.grant.grantId === grantId) {
      this.#view.renewed(lock.grant);
      this.#watchdog.watch(channelId, grantId, lock.remainingMs + this.#margin());
      return;
    }
    this.#noteEnded({ channelId, grantId, reason });
  }

  /* ---- catching up after (re)connecting ---- */

  async #catchUp(): Promise<void> {
    const channels = this.#useNotifications
      ? [this.#eventsChannel, this.#expiredChannel]
      : [this.#eventsChannel];
    await this.#link.subscriber.subscribe(...channels);
    this.#notificationsOn = this.#useNotifications && (await this.#enableNotifications());
    await this.#resync();
  }

  /** Turns on expired-key events (flags E and x), keeping whatever else is configured. */
  async #enableNotifications(): Promise<boolean> {
    try {
      const reply: unknown = await this.#link.command.config('GET', 'notify-keyspace-events');
      const flags = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : '';
      if (flags.includes('E') && (flags.includes('x') || flags.includes('A'))) return true;
      await this.#link.command.config('SET', 'notify-keyspace-events', `${flags}Ex`);
      return true;
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ReplyError') throw error;
      this.#log.warn(
        { err: error },
        'Redis refused CONFIG for keyspace notifications; expiries are noticed by the watchdog only',
      );
      return false;
    }
  }

  /** Re-reads every lock: known grants that are gone end as 'lost', unknown ones are announced as taken. */
  async #resync(): Promise<void> {
    const known = this.#view.grants();
    await Promise.all(known.map((grant) => this.#check(grant.channelId, grant.grantId, 'lost')));
    const pattern = `${this.#lockPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#link.command.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      const locks = await Promise.all(keys.map((key) => this.#peek(key.slice(this.#lockPrefix.length))));
      for (const lock of locks) if (lock !== null) this.#noteTaken(lock.grant, lock.remainingMs);
    } while (cursor !== '0');
  }

  /* ---- helpers ---- */

  async #peek(channelId: string): Promise<{ grant: FloorGrant; remainingMs: number } | null> {
    const reply = await this.#run('read the floor', () =>
      floorScripts.peek.run(this.#link.command, [this.#key(channelId)], []),
    );
    if (reply === null) return null;
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw this.#malformed(channelId);
    const grant = decodeGrant(reply[0]);
    if (grant === null) throw this.#malformed(channelId);
    const remainingMs = typeof reply[1] === 'number' && reply[1] > 0 ? reply[1] : 0;
    return { grant, remainingMs };
  }

  async #run<T>(what: string, command: () => Promise<T>): Promise<T> {
    if (this.#link.closed) throw new FloorStoreError('The floor store is closed.');
    try {
      return await command();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new FloorStoreError(`Could not ${what}: Redis is unavailable (${reason}).`, { cause: error });
    }
  }

  #key(channelId: string): string {
    return this.#lockPrefix + channelId;
  }

  #fenceKey(channelId: string): string {
    return this.#fencePrefix + channelId;
  }

  #margin(): number {
    return this.#marginOverride ?? (this.#notificationsOn ? 1000 : 100);
  }

  #malformed(channelId: string): FloorStoreError {
    this.#log.error({ channelId }, 'unexpected floor lock value in Redis');
    return new FloorStoreError(`The floor lock of channel ${channelId} could not be read.`);
  }
}
