import { fetchRecording } from './historyApi';
import type { HistoryApi, Transmission } from './historyApi';

export type PlayerState =
  { status: 'idle' } | { status: 'playing' | 'held'; transmissionId: string; queued: number };

/**
 * Plays recordings one after another through one audio element. Live audio always wins: while the channel is
 * live the element is paused ("held") and it resumes where it stopped once the channel is quiet again.
 *
 * Ownership: owns its audio element and object URLs; close() stops and frees them (idempotent).
 */
export class HistoryPlayer {
  readonly #history: HistoryApi;
  readonly #onChange: (state: PlayerState) => void;
  readonly #audio = new Audio();
  #queue: Transmission[] = [];
  #current: Transmission | undefined;
  #url: string | undefined;
  #live = false;
  #closed = false;

  constructor(history: HistoryApi, onChange: (state: PlayerState) => void) {
    this.#history = history;
    this.#onChange = onChange;
    this.#audio.addEventListener('ended', () => void this.#next());
  }

  /** Plays these transmissions in the given order, replacing what was playing. */
  play(transmissions: Transmission[]): void {
    this.#queue = [...transmissions];
    void this.#next();
  }

  stop(): void {
    this.#queue = [];
    this.#audio.pause();
    this.#current = undefined;
    this.#emit();
  }

  /** The channel became live (someone talks) or quiet again. */
  setLive(live: boolean): void {
    if (live === this.#live) return;
    this.#live = live;
    if (this.#current === undefined) return;
    if (live) this.#audio.pause();
    else void this.#audio.play().catch(() => undefined);
    this.#emit();
  }

  async #next(): Promise<void> {
    const next = this.#queue.shift();
    this.#current = next;
    if (next === undefined || this.#closed) {
      this.#emit();
      return;
    }
    this.#emit();
    try {
      const blob = await fetchRecording(this.#history, next.id);
      if (this.#current !== next || this.#closed) return;
      if (this.#url !== undefined) URL.revokeObjectURL(this.#url);
      this.#url = URL.createObjectURL(blob);
      this.#audio.src = this.#url;
      if (!this.#live) await this.#audio.play();
    } catch {
      if (this.#current === next) void this.#next();
    }
  }

  #emit(): void {
    const current = this.#current;
    this.#onChange(
      current === undefined
        ? { status: 'idle' }
        : { status: this.#live ? 'held' : 'playing', transmissionId: current.id, queued: this.#queue.length },
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#audio.pause();
    this.#audio.removeAttribute('src');
    if (this.#url !== undefined) URL.revokeObjectURL(this.#url);
  }
}
