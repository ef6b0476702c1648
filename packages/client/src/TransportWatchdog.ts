import type { types } from 'mediasoup-client';

export interface TransportWatchdogOptions {
  /** How long 'disconnected' may last before an ICE restart (default 2 s). */
  disconnectedGraceMs?: number;
  /** How long an ICE restart may take to reach 'connected' before the transport is rebuilt (default 8 s). */
  restartTimeoutMs?: number;
  /** Asks the server for new ICE parameters and restarts ICE on the transport. */
  restartIce: () => Promise<void>;
  /** Replaces the transport altogether. */
  rebuild: (reason: string) => void;
  /** State changes, for logs and diagnostics. */
  onState?: (state: types.ConnectionState) => void;
}

/**
 * Watches one transport's connection state and repairs it: a transport that stays 'disconnected' or goes
 * 'failed' gets an ICE restart; if that does not bring it back to 'connected' in time, it is rebuilt.
 * Owned by MediaLink; dispose() clears its timers.
 */
export class TransportWatchdog {
  readonly #options: TransportWatchdogOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #restarting = false;
  #disposed = false;

  constructor(transport: types.Transport, options: TransportWatchdogOptions) {
    this.#options = options;
    transport.on('connectionstatechange', (state) => this.#onState(state));
  }

  #onState(state: types.ConnectionState): void {
    if (this.#disposed) return;
    this.#options.onState?.(state);
    switch (state) {
      case 'connected':
        this.#clear();
        this.#restarting = false;
        return;
      case 'disconnected':
        if (this.#timer === undefined && !this.#restarting) {
          this.#timer = setTimeout(() => void this.#restart(), this.#options.disconnectedGraceMs ?? 2000);
        }
        return;
      case 'failed':
        if (!this.#restarting) {
          this.#clear();
          void this.#restart();
        }
        return;
      case 'new':
      case 'connecting':
      case 'closed':
        return;
    }
  }

  /** Restarts ICE now (the network changed: the old path may be dead), unless a restart is under way. */
  restartNow(): void {
    if (this.#disposed || this.#restarting) return;
    void this.#restart();
  }

  async #restart(): Promise<void> {
    this.#clear();
    if (this.#disposed) return;
    this.#restarting = true;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#disposed) this.#options.rebuild('ICE restart did not reconnect the transport');
    }, this.#options.restartTimeoutMs ?? 8000);
    try {
      await this.#options.restartIce();
    } catch {
      this.#clear();
      if (!this.#disposed) this.#options.rebuild('ICE restart failed');
    }
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  dispose(): void {
    this.#disposed = true;
    this.#clear();
  }
}
