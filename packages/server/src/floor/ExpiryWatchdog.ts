/**
 * One timer per watched channel: calls `onDue(channelId, grantId)` when a grant should have expired, so the
 * owner can check the store. Watching a channel again replaces its timer; `clear()` leaves no timer behind.
 */
export class ExpiryWatchdog {
  readonly #timers = new Map<string, { grantId: string; timer: NodeJS.Timeout }>();
  readonly #onDue: (channelId: string, grantId: string) => void;

  constructor(onDue: (channelId: string, grantId: string) => void) {
    this.#onDue = onDue;
  }

  watch(channelId: string, grantId: string, delayMs: number): void {
    this.cancel(channelId);
    const timer = setTimeout(
      () => {
        if (this.#timers.get(channelId)?.timer !== timer) return;
        this.#timers.delete(channelId);
        this.#onDue(channelId, grantId);
      },
      Math.max(0, delayMs),
    );
    this.#timers.set(channelId, { grantId, timer });
  }

  /** Cancels the channel's timer (only if it watches `grantId`, when given). */
  cancel(channelId: string, grantId?: string): void {
    const entry = this.#timers.get(channelId);
    if (entry === undefined || (grantId !== undefined && entry.grantId !== grantId)) return;
    clearTimeout(entry.timer);
    this.#timers.delete(channelId);
  }

  clear(): void {
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
