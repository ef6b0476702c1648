import type { FloorGrant } from './FloorStore';

/**
 * What one node believes about the floor: the grant holding each channel, plus a bounded memory of grants
 * that have ended. The memory keeps a late or repeated "taken" (from pub/sub, a command reply or a resync)
 * from bringing an ended grant back, which would leave a channel busy forever.
 */
export class GrantView {
  readonly #byChannel = new Map<string, FloorGrant>();
  readonly #ended = new Set<string>();
  readonly #maxEnded: number;

  constructor(maxEnded = 4096) {
    this.#maxEnded = maxEnded;
  }

  get(channelId: string): FloorGrant | undefined {
    return this.#byChannel.get(channelId);
  }

  holds(channelId: string, grantId: string): boolean {
    return this.#byChannel.get(channelId)?.grantId === grantId;
  }

  grants(): FloorGrant[] {
    return [...this.#byChannel.values()];
  }

  /**
   * Records `grant` as holding its channel. Returns null when it is already known, has ended, or is older (a
   * smaller fence) than the grant known to hold the channel (nothing to announce); otherwise the grant it
   * displaced (which ended unobserved), if any.
   */
  take(grant: FloorGrant): { displaced: FloorGrant | undefined } | null {
    if (this.#ended.has(grant.grantId)) return null;
    const previous = this.#byChannel.get(grant.channelId);
    if (previous?.grantId === grant.grantId) {
      // A renewal seen again: keep the later expiry.
      if (grant.expiresAt > previous.expiresAt) this.#byChannel.set(grant.channelId, grant);
      return null;
    }
    if (previous !== undefined && grant.fence < previous.fence) {
      // An older grant heard late (pub/sub behind a command reply): it has ended, the newer one holds.
      this.#remember(grant.grantId);
      return null;
    }
    if (previous !== undefined) this.#remember(previous.grantId);
    this.#byChannel.set(grant.channelId, grant);
    return { displaced: previous };
  }

  /** Whether `grantId` is known to have ended (within the bounded memory). */
  hasEnded(grantId: string): boolean {
    return this.#ended.has(grantId);
  }

  /** Updates the expiry of a known grant after a renewal. */
  renewed(grant: FloorGrant): void {
    if (this.holds(grant.channelId, grant.grantId)) this.#byChannel.set(grant.channelId, grant);
  }

  /** Ends `grantId` if it still holds `channelId`; returns it then, undefined when there is nothing to end. */
  end(channelId: string, grantId: string): FloorGrant | undefined {
    this.#remember(grantId);
    const grant = this.#byChannel.get(channelId);
    if (grant?.grantId !== grantId) return undefined;
    this.#byChannel.delete(channelId);
    return grant;
  }

  clear(): void {
    this.#byChannel.clear();
    this.#ended.clear();
  }

  #remember(grantId: string): void {
    this.#ended.add(grantId);
    if (this.#ended.size <= this.#maxEnded) return;
    const oldest = this.#ended.values().next();
    if (oldest.done !== true) this.#ended.delete(oldest.value);
  }
}
