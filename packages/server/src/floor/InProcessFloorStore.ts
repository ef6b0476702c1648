import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TypedEmitter } from '../util/TypedEmitter';
import type {
  AcquireResult,
  FloorGrant,
  FloorHolder,
  FloorIdleEvent,
  FloorStore,
  FloorStoreEvents,
  ReleaseOptions,
} from './FloorStore';
import { FloorStoreError } from './FloorStoreError';
import { preempts, priorityOf } from './priority';
import { assertTtl } from './ttl';

/**
 * The embedded floor store for a single server: locks in a map, one expiry timer per held channel. It is
 * always healthy; events are emitted synchronously, before the call that caused them resolves.
 */
export class InProcessFloorStore implements FloorStore {
  readonly events: TypedEmitter<FloorStoreEvents>;
  readonly #locks = new Map<string, { grant: FloorGrant; timer: NodeJS.Timeout }>();
  /** The last fencing number per channel; a channel's first grant starts from the clock in microseconds. */
  readonly #fences = new Map<string, number>();
  #closed = false;

  constructor(options: { logger?: Logger } = {}) {
    this.events = new TypedEmitter<FloorStoreEvents>(options.logger?.child({ module: 'floor-store' }));
  }

  acquire(channelId: string, holder: FloorHolder, ttlMs: number): Promise<AcquireResult> {
    return this.#run(() => {
      assertTtl(ttlMs);
      const held = this.#locks.get(channelId);
      if (held !== undefined && !preempts(priorityOf(holder), held.grant.holder)) {
        return { granted: false, current: held.grant };
      }
      if (held !== undefined) {
        this.#end(held.grant, 'released', {
          revokeReason: 'preempted',
          preemptedBy: { userId: holder.userId, displayName: holder.displayName },
        });
      }
      const now = Date.now();
      const fence = (this.#fences.get(channelId) ?? now * 1000) + 1;
      this.#fences.set(channelId, fence);
      const grant: FloorGrant = {
        grantId: randomUUID(),
        channelId,
        fence,
        holder: { ...holder },
        grantedAt: now,
        expiresAt: now + ttlMs,
      };
      this.#locks.set(channelId, { grant, timer: this.#expireLater(grant, ttlMs) });
      this.events.emit('taken', grant);
      return held === undefined ? { granted: true, grant } : { granted: true, grant, preempted: held.grant };
    });
  }

  renew(channelId: string, grantId: string, ttlMs: number): Promise<FloorGrant | null> {
    return this.#run(() => {
      assertTtl(ttlMs);
      const held = this.#locks.get(channelId);
      if (held?.grant.grantId !== grantId) return null;
      clearTimeout(held.timer);
      const grant: FloorGrant = { ...held.grant, expiresAt: Date.now() + ttlMs };
      this.#locks.set(channelId, { grant, timer: this.#expireLater(grant, ttlMs) });
      return grant;
    });
  }

  release(channelId: string, grantId: string, options: ReleaseOptions = {}): Promise<boolean> {
    return this.#run(() => {
      const held = this.#locks.get(channelId);
      if (held?.grant.grantId !== grantId) return false;
      this.#end(held.grant, 'released', options);
      return true;
    });
  }

  current(channelId: string): Promise<FloorGrant | null> {
    return this.#run(() => this.#locks.get(channelId)?.grant ?? null);
  }

  isHealthy(): boolean {
    return !this.#closed;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const { timer } of this.#locks.values()) clearTimeout(timer);
    this.#locks.clear();
    return Promise.resolve();
  }

  #expireLater(grant: FloorGrant, ttlMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      if (this.#locks.get(grant.channelId)?.grant.grantId === grant.grantId) this.#end(grant, 'expired', {});
    }, ttlMs);
  }

  #end(grant: FloorGrant, reason: FloorIdleEvent['reason'], options: ReleaseOptions): void {
    const held = this.#locks.get(grant.channelId);
    if (held !== undefined) clearTimeout(held.timer);
    this.#locks.delete(grant.channelId);
    const event: FloorIdleEvent = { channelId: grant.channelId, grantId: grant.grantId, reason };
    if (options.revokeReason !== undefined) event.revokeReason = options.revokeReason;
    if (options.preemptedBy !== undefined) event.preemptedBy = { ...options.preemptedBy };
    this.events.emit('idle', event);
  }

  #run<T>(operation: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new FloorStoreError('The floor store is closed.'));
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
