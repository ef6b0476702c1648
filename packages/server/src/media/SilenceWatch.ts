/** How the end of a talker's audio is detected (MCPTT's "end of RTP media" timer, T1). */
export interface SilenceOptions {
  /** No packet from the holder for this long frees the floor. 0 turns the watch off. */
  timeoutMs: number;
  /**
   * Extra time for the first packet after a grant (the browser may still be resuming the microphone): the
   * first deadline is `firstPacketGraceMs + timeoutMs` after the gate opened.
   */
  firstPacketGraceMs: number;
  /** How often the deadlines are checked. Default 100 ms. */
  checkIntervalMs?: number;
}

interface Watched {
  grantId: string;
  /** Where the timeout counts from: the end of the first-packet grace, then the last packet. */
  since: number;
  firstPacketAt: number | undefined;
  openedAt: number;
}

/**
 * Watches open talk gates for silence. DTX is off, so a live talker sends a packet every 10–20 ms even when
 * quiet; a holder whose packets stop (phone off the network, browser frozen, a client that keeps its socket
 * but stops sending) is reported once per grant through `onSilent`.
 *
 * Ownership: owned by one TalkerTap; its single interval timer runs only while a gate is open; close() stops it.
 */
export class SilenceWatch {
  readonly #options: Required<SilenceOptions>;
  readonly #onSilent: (channelId: string, grantId: string, silentMs: number) => void;
  readonly #now: () => number;
  readonly #watched = new Map<string, Watched>();
  /** First-packet delays of recent grants (ms after the gate opened), for measurement. */
  readonly firstPacketDelays: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    options: SilenceOptions,
    onSilent: (channelId: string, grantId: string, silentMs: number) => void,
    now: () => number = Date.now,
  ) {
    this.#options = { checkIntervalMs: 100, ...options };
    this.#onSilent = onSilent;
    this.#now = now;
  }

  get enabled(): boolean {
    return this.#options.timeoutMs > 0;
  }

  opened(channelId: string, grantId: string): void {
    if (!this.enabled) return;
    const now = this.#now();
    this.#watched.set(channelId, {
      grantId,
      since: now + this.#options.firstPacketGraceMs,
      firstPacketAt: undefined,
      openedAt: now,
    });
    this.#timer ??= setInterval(() => this.check(), this.#options.checkIntervalMs);
  }

  closed(channelId: string): void {
    this.#watched.delete(channelId);
    if (this.#watched.size === 0) this.#stopTimer();
  }

  /** A packet of the talker arrived (it counts for every open gate). */
  packet(): void {
    if (this.#watched.size === 0) return;
    const now = this.#now();
    for (const watched of this.#watched.values()) {
      if (watched.firstPacketAt === undefined) {
        watched.firstPacketAt = now;
        this.firstPacketDelays.push(now - watched.openedAt);
        if (this.firstPacketDelays.length > 100) this.firstPacketDelays.shift();
      }
      // Once audio flows, the grace is over: the timeout counts from the last packet.
      watched.since = now;
    }
  }

  /** Reports (and stops watching) every gate whose talker has been silent too long. */
  check(): void {
    const now = this.#now();
    for (const [channelId, watched] of [...this.#watched]) {
      const silentMs = now - watched.since;
      if (silentMs < this.#options.timeoutMs) continue;
      this.closed(channelId);
      this.#onSilent(channelId, watched.grantId, silentMs);
    }
  }

  close(): void {
    this.#watched.clear();
    this.#stopTimer();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
