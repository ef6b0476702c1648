/**
 * Floor control on one server node.
 *
 * A channel is idle or taken by exactly one holder; the store (in process, or Redis shared by all nodes)
 * decides. A request carries the requester's talk priority (floor/priority.ts): strictly higher than the
 * holder's pre-empts it atomically in the store (the holder is revoked 'preempted', with who cut in, on its own
 * node, and the channel goes to the requester with a new fence), equal or lower is busy. `request` answers granted, busy (with the current grant, whose holder's display name the client
 * shows) or unavailable (the store cannot be reached); busy is an answer, not an error. A user's session that
 * asks again while it already holds the channel gets its existing grant back; so does a request that lost a
 * race against its own earlier request (the store names this node and session as the holder).
 *
 * Grants held by sessions on this node are tracked here:
 * - Each lock has a TTL (`ttlMs`, default 30 s). The holder's client calls `heartbeat` to renew it; a lock
 *   that expires because heartbeats stopped is reported as `revoked` with reason 'expired', as is any local
 *   grant whose lock turns out to be gone (a heartbeat that finds another owner, a catch-up after an outage).
 * - A talk turn lasts at most `maxDurationMs` (default 60 s) from the grant: then the grant is revoked
 *   ('max_duration') and its lock released. Heartbeats for a grant that is no longer held return null.
 * - `releaseSession` (socket closed) revokes ('disconnected') and releases every grant of that session at
 *   once; `revoke` does the same for one user on one channel (for example 'removed_from_channel'). When that
 *   user's grant is held through another node, the lock is released on its behalf and that node reports the
 *   revocation with the same reason.
 *
 * Events: `taken` and `idle` are re-emitted for every grant made and ended by any node (the signalling layer
 * turns them into notifications for channel members, the media layer opens and closes the audio gate), each
 * at most once per grant, `idle` only after its `taken`. `revoked` is emitted on the holder's node only,
 * before the matching `idle`.
 *
 * Outages: while the store is down, requests answer 'unavailable' and heartbeats and releases reject with
 * code 'unavailable'. When the store reports it is up again, the node reconciles: every channel it believed
 * taken is re-read, grants the store no longer has are emitted as `idle` (reason 'lost') so no channel stays
 * busy, local holders among them are revoked ('expired'), and a different holder found instead is emitted as
 * `taken`.
 *
 * `close()` stops the timers, releases the locks of this node's grants and stops listening to the store; it
 * does not close the store, which its creator owns.
 */
import type { FloorRevokeReason } from '@squelch/protocol';
import type { Logger } from 'pino';
import { TypedEmitter } from '../util/TypedEmitter';
import type {
  AcquireResult,
  FloorGrant,
  FloorHolder,
  FloorIdleEvent,
  FloorPreemptor,
  FloorStore,
  FloorStoreHealth,
} from './FloorStore';
import { isFloorStoreError } from './FloorStoreError';
import { GrantView } from './GrantView';

export interface FloorServiceOptions {
  store: FloorStore;
  /** Identifies this server node in grants, so a node recognises its own sessions' locks. */
  nodeId: string;
  /** Lifetime of a lock without a heartbeat. Default 30 000. */
  ttlMs?: number;
  /** Longest talk turn. Default 60 000. */
  maxDurationMs?: number;
  logger: Logger;
}

/** The session asking for the floor; the service adds its own node id. */
export type FloorRequester = Omit<FloorHolder, 'nodeId'>;

export type FloorRequestOutcome =
  | { granted: true; grant: FloorGrant }
  | { granted: false; reason: 'busy'; current: FloorGrant }
  | { granted: false; reason: 'unavailable'; message: string };

export interface FloorRevokedEvent {
  grant: FloorGrant;
  reason: FloorRevokeReason;
  /** With reason 'preempted': who took the channel over. */
  by?: FloorPreemptor;
}

export type FloorServiceEvents = {
  taken: [FloorGrant];
  idle: [FloorIdleEvent];
  revoked: [FloorRevokedEvent];
};

interface LocalGrant {
  grant: FloorGrant;
  maxDurationTimer: NodeJS.Timeout;
}

export class FloorService {
  readonly events: TypedEmitter<FloorServiceEvents>;
  readonly nodeId: string;
  readonly ttlMs: number;
  readonly maxDurationMs: number;
  readonly #store: FloorStore;
  readonly #log: Logger;
  /** Which grant holds each channel, as far as this node knows (all nodes' grants). */
  readonly #view = new GrantView();
  /** Grants held by sessions on this node, by grantId. */
  readonly #local = new Map<string, LocalGrant>();
  readonly #onTaken = (grant: FloorGrant): void => this.#noteTaken(grant);
  readonly #onIdle = (event: FloorIdleEvent): void => this.#noteEnded(event);
  readonly #onHealth = (health: FloorStoreHealth): void => this.#healthChanged(health);
  #closed = false;

  constructor(options: FloorServiceOptions) {
    this.#store = options.store;
    this.nodeId = options.nodeId;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxDurationMs = options.maxDurationMs ?? 60_000;
    this.#log = options.logger.child({ module: 'floor', nodeId: options.nodeId });
    this.events = new TypedEmitter<FloorServiceEvents>(this.#log);
    this.#store.events.on('taken', this.#onTaken);
    this.#store.events.on('idle', this.#onIdle);
    this.#store.events.on('health', this.#onHealth);
  }

  async request(channelId: string, requester: FloorRequester): Promise<FloorRequestOutcome> {
    const held = this.grantOf(channelId, requester.sessionId);
    if (held !== undefined && held.holder.userId === requester.userId) return { granted: true, grant: held };
    if (this.#closed) return unavailable('The floor service is shutting down.');
    const holder: FloorHolder = { ...requester, nodeId: this.nodeId };
    let result: AcquireResult;
    try {
      result = await this.#store.acquire(channelId, holder, this.ttlMs);
    } catch (error) {
      if (!isFloorStoreError(error)) throw error;
      this.#log.warn({ err: error, channelId, userId: holder.userId }, 'floor request failed');
      return unavailable(error.message);
    }
    const grant = result.granted ? result.grant : result.current;
    const mine =
      grant.holder.nodeId === this.nodeId &&
      grant.holder.sessionId === holder.sessionId &&
      grant.holder.userId === holder.userId;
    if (!mine) return { granted: false, reason: 'busy', current: grant };
    if (this.#view.hasEnded(grant.grantId)) {
      // Pre-empted before this answer came back (its end was seen first, with nobody local to revoke): the
      // requester never talked, so it is told the channel is busy with whoever holds it now.
      const now = this.#view.get(channelId);
      this.#log.info(
        { channelId, userId: holder.userId, by: now?.holder.userId },
        'grant ended before it was adopted',
      );
      return { granted: false, reason: 'busy', current: now ?? grant };
    }
    if (this.#closed) {
      void this.#releaseQuietly(grant, undefined);
      return unavailable('The floor service is shutting down.');
    }
    this.#adopt(grant);
    return { granted: true, grant: this.#local.get(grant.grantId)?.grant ?? grant };
  }

  /** Renews a local grant's lock. Null when the grant is no longer held (it is then revoked as 'expired'). */
  async heartbeat(channelId: string, grantId: string): Promise<FloorGrant | null> {
    const local = this.#local.get(grantId);
    if (local?.grant.channelId !== channelId) return null;
    const renewed = await this.#store.renew(channelId, grantId, this.ttlMs);
    const still = this.#local.get(grantId);
    if (renewed === null) {
      this.#noteEnded({ channelId, grantId, reason: 'expired' });
      return null;
    }
    if (still === undefined) return null; // revoked while the renewal was under way
    still.grant = renewed;
    return renewed;
  }

  /** Ends a grant at its holder's request. False when it did not hold the channel any more. */
  async release(channelId: string, grantId: string): Promise<boolean> {
    const local = this.#local.get(grantId);
    if (local?.grant.channelId === channelId) this.#dropLocal(grantId);
    return await this.#store.release(channelId, grantId);
  }

  /** Revokes and releases every grant of a session at once (its socket closed). Never rejects. */
  async releaseSession(sessionId: string, reason: FloorRevokeReason = 'disconnected'): Promise<void> {
    const grants = [...this.#local.values()]
      .map(({ grant }) => grant)
      .filter((grant) => grant.holder.sessionId === sessionId);
    await Promise.all(grants.map((grant) => this.#revokeLocal(grant, reason)));
  }

  /**
   * Takes the floor of `channelId` from `userId`, on whichever node the grant was made. Rejects with code
   * 'unavailable' only when the holder is not on this node and the store cannot be reached.
   */
  async revoke(channelId: string, userId: string, reason: FloorRevokeReason): Promise<void> {
    const grants = [...this.#local.values()]
      .map(({ grant }) => grant)
      .filter((grant) => grant.channelId === channelId && grant.holder.userId === userId);
    if (grants.length > 0) {
      await Promise.all(grants.map((grant) => this.#revokeLocal(grant, reason)));
      return;
    }
    const current = await this.#store.current(channelId);
    if (current?.holder.userId !== userId) return;
    this.#log.info(
      { channelId, userId, reason, holderNode: current.holder.nodeId },
      'revoking a remote grant',
    );
    await this.#store.release(channelId, current.grantId, { revokeReason: reason });
  }

  current(channelId: string): Promise<FloorGrant | null> {
    return this.#store.current(channelId);
  }

  /** The grant a session of this node holds on a channel, if any. */
  grantOf(channelId: string, sessionId: string): FloorGrant | undefined {
    for (const { grant } of this.#local.values()) {
      if (grant.channelId === channelId && grant.holder.sessionId === sessionId) return grant;
    }
    return undefined;
  }

  /** Grants held by sessions on this node. */
  localGrants(): FloorGrant[] {
    return [...this.#local.values()].map(({ grant }) => grant);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#store.events.off('taken', this.#onTaken);
    this.#store.events.off('idle', this.#onIdle);
    this.#store.events.off('health', this.#onHealth);
    const grants = this.localGrants();
    for (const grantId of [...this.#local.keys()]) this.#dropLocal(grantId);
    await Promise.all(grants.map((grant) => this.#releaseQuietly(grant, undefined)));
    this.#view.clear();
  }

  /* ---- local grants ---- */

  #adopt(grant: FloorGrant): void {
    if (!this.#local.has(grant.grantId)) {
      const remaining = grant.grantedAt + this.maxDurationMs - Date.now();
      const maxDurationTimer = setTimeout(
        () => void this.#revokeLocal(grant, 'max_duration'),
        Math.max(0, remaining),
      );
      this.#local.set(grant.grantId, { grant, maxDurationTimer });
      this.#log.info(
        { channelId: grant.channelId, userId: grant.holder.userId, sessionId: grant.holder.sessionId },
        'floor granted',
      );
    }
    this.#noteTaken(grant);
  }

  #dropLocal(grantId: string): LocalGrant | undefined {
    const local = this.#local.get(grantId);
    if (local === undefined) return undefined;
    clearTimeout(local.maxDurationTimer);
    this.#local.delete(grantId);
    return local;
  }

  async #revokeLocal(grant: FloorGrant, reason: FloorRevokeReason): Promise<void> {
    const local = this.#dropLocal(grant.grantId);
    if (local === undefined) return;
    this.#announceRevoked(local.grant, reason);
    await this.#releaseQuietly(local.grant, reason);
  }

  #announceRevoked(grant: FloorGrant, reason: FloorRevokeReason, by?: FloorPreemptor): void {
    const { channelId, holder } = grant;
    this.#log.info(
      { channelId, userId: holder.userId, sessionId: holder.sessionId, reason, by: by?.userId },
      'floor revoked',
    );
    this.events.emit('revoked', by === undefined ? { grant, reason } : { grant, reason, by });
  }

  /** Releases a lock whose local grant is already gone; if the store is down, the lock runs out by its TTL. */
  async #releaseQuietly(grant: FloorGrant, reason: FloorRevokeReason | undefined): Promise<void> {
    try {
      await this.#store.release(
        grant.channelId,
        grant.grantId,
        reason === undefined ? {} : { revokeReason: reason },
      );
    } catch (error) {
      this.#log.warn(
        { err: error, channelId: grant.channelId, grantId: grant.grantId },
        'could not release a floor lock; it will expire by its TTL',
      );
    }
  }

  /* ---- what every node sees ---- */

  #noteTaken(grant: FloorGrant): void {
    if (this.#closed) return;
    const change = this.#view.take(grant);
    if (change === null) return;
    if (change.displaced !== undefined) {
      const { channelId, grantId } = change.displaced;
      this.#noteEnded({ channelId, grantId, reason: 'lost' });
    }
    this.events.emit('taken', grant);
  }

  #noteEnded(event: FloorIdleEvent): void {
    if (this.#closed) return;
    const local = this.#dropLocal(event.grantId);
    if (local !== undefined) {
      this.#announceRevoked(local.grant, event.revokeReason ?? 'expired', event.preemptedBy);
    }
    if (this.#view.hasEnded(event.grantId)) return;
    const known = this.#view.get(event.channelId);
    this.#view.end(event.channelId, event.grantId);
    // The end of a grant this node never saw is still news, unless a newer grant already holds the channel.
    if (known !== undefined && known.grantId !== event.grantId) return;
    this.events.emit('idle', event);
  }

  #healthChanged(health: FloorStoreHealth): void {
    if (health === 'down') {
      this.#log.warn('floor store is down; floor requests are answered "unavailable"');
      return;
    }
    this.#log.info('floor store is up; reconciling floor state');
    void this.#reconcile();
  }

  /** Re-reads every channel this node believes taken (or holds) and corrects what the store no longer has. */
  async #reconcile(): Promise<void> {
    const grants = new Map<string, FloorGrant>();
    for (const grant of [...this.#view.grants(), ...this.localGrants()]) grants.set(grant.grantId, grant);
    await Promise.all(
      [...grants.values()].map(async ({ channelId, grantId }) => {
        let current: FloorGrant | null;
        try {
          current = await this.#store.current(channelId);
        } catch (error) {
          // Down again: the next 'up' reconciles.
          this.#log.debug({ err: error, channelId }, 'reconciliation read failed');
          return;
        }
        if (current?.grantId === grantId) return;
        this.#noteEnded({ channelId, grantId, reason: 'lost' });
        if (current !== null) this.#noteTaken(current);
      }),
    );
  }
}

function unavailable(message: string): FloorRequestOutcome {
  return { granted: false, reason: 'unavailable', message };
}
