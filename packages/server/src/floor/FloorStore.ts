import type { FloorRevokeReason } from '@squelch/protocol';
import type { TypedEmitter } from '../util/TypedEmitter';

/** Who holds (or asks for) the floor of a channel, and through which session on which node. */
export interface FloorHolder {
  userId: string;
  displayName: string;
  sessionId: string;
  nodeId: string;
  /**
   * Talk priority (see floor/priority.ts); absent counts as 0. A request whose priority is strictly higher than
   * the holder's pre-empts it; equal or lower is busy.
   */
  priority?: number;
}

/** One talk turn: the lock on a channel, identified by `grantId` (only its owner may renew or release it). */
export interface FloorGrant {
  grantId: string;
  channelId: string;
  /**
   * The grant's fencing number: issued atomically with the grant, larger than every earlier grant's number on
   * the same channel. The media path forwards only the audio of the newest number it knows for a channel.
   */
  fence: number;
  holder: FloorHolder;
  /** Milliseconds since the epoch, on the clock of the node that made or last renewed the grant. */
  grantedAt: number;
  expiresAt: number;
}

/**
 * "Busy" is an answer, not an error: a denied acquire says who holds the channel. A grant that took the channel
 * from a lower-priority holder names the grant it ended (`preempted`).
 */
export type AcquireResult =
  { granted: true; grant: FloorGrant; preempted?: FloorGrant } | { granted: false; current: FloorGrant };

/** Who took a channel over from its holder. */
export interface FloorPreemptor {
  userId: string;
  displayName: string;
}

/**
 * Why a channel became idle: its owner released it, its lock ran out without being renewed, or the store
 * found it missing when catching up after an outage (the ending itself was not observed).
 */
export type FloorIdleReason = 'released' | 'expired' | 'lost';

export interface FloorIdleEvent {
  channelId: string;
  grantId: string;
  reason: FloorIdleReason;
  /** Set when the grant was released on the holder's behalf (revoked), possibly by another node. */
  revokeReason?: FloorRevokeReason;
  /** With revokeReason 'preempted': who took the channel over. */
  preemptedBy?: FloorPreemptor;
}

export type FloorStoreHealth = 'up' | 'down';

export type FloorStoreEvents = {
  /** A grant made by any node, including this one. Emitted once per grant. */
  taken: [FloorGrant];
  /** The end of a grant seen as `taken`. Emitted at most once per grant, always after its `taken`. */
  idle: [FloorIdleEvent];
  /** The connection to the backing store was lost ('down') or is back and caught up ('up'). */
  health: [FloorStoreHealth];
};

export interface ReleaseOptions {
  /** Carried to every node's `idle` event so the holder's node can tell its session why. */
  revokeReason?: FloorRevokeReason;
  /** With revokeReason 'preempted' (set by the stores themselves when a grant pre-empts). */
  preemptedBy?: FloorPreemptor;
}

/**
 * Where floor locks live: in process (one server) or in Redis (several nodes). Every method either resolves
 * or rejects with a `FloorStoreError` (code 'unavailable') within a bounded time; none throws synchronously.
 */
export interface FloorStore {
  /**
   * Takes the channel for `holder` for `ttlMs`, unless someone holds it with an equal or higher priority. A
   * holder of lower priority is pre-empted in the same atomic step: its grant ends (`idle`, released, revoke
   * reason 'preempted', `preemptedBy` the new holder) before the new grant is announced (`taken`). A new grant
   * gets the channel's next fencing number in the same atomic step.
   */
  acquire(channelId: string, holder: FloorHolder, ttlMs: number): Promise<AcquireResult>;
  /** Extends the lock by `ttlMs` from now; null when `grantId` no longer owns the channel. */
  renew(channelId: string, grantId: string, ttlMs: number): Promise<FloorGrant | null>;
  /** Frees the channel if `grantId` still owns it; false otherwise. */
  release(channelId: string, grantId: string, options?: ReleaseOptions): Promise<boolean>;
  /** The grant holding the channel now, or null when it is idle. */
  current(channelId: string): Promise<FloorGrant | null>;
  readonly events: TypedEmitter<FloorStoreEvents>;
  isHealthy(): boolean;
  /** Stops timers and connections. Idempotent; later calls of the methods above reject. */
  close(): Promise<void>;
}
