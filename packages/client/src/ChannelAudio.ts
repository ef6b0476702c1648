import type { AudioElementPool } from './AudioElementPool';
import { routeOutput } from './audioOutput';

/**
 * Plays one channel's received track through an audio element taken from the client's pool. Owned by
 * PttClient; close() stops playback and gives the element back, so long shifts do not accumulate media
 * elements.
 */
export class ChannelAudio {
  readonly track: MediaStreamTrack;
  readonly #element: HTMLAudioElement | undefined;
  readonly #pool: AudioElementPool;
  #closed = false;

  constructor(
    track: MediaStreamTrack,
    options: { play: boolean; volume: number; sinkId?: string; pool: AudioElementPool },
  ) {
    this.track = track;
    this.#pool = options.pool;
    if (options.play && typeof Audio !== 'undefined') {
      const element = options.pool.take();
      element.autoplay = true;
      element.srcObject = new MediaStream([track]);
      element.volume = options.volume;
      // A reused element may still be routed to another device.
      const sinkId = options.sinkId ?? '';
      if ((element as Partial<{ sinkId: string }>).sinkId !== sinkId) void routeOutput(element, sinkId);
      element.play().catch(() => {
        // Autoplay can be refused before a user gesture; the next gesture calls resume().
      });
      this.#element = element;
    }
  }

  /** Retries playback (after a user gesture when autoplay was refused). */
  resume(): void {
    this.#element?.play().catch(() => undefined);
  }

  setVolume(volume: number): void {
    if (this.#element !== undefined) this.#element.volume = Math.min(1, Math.max(0, volume));
  }

  /** Sends the channel to an output device ('' is the system default). */
  setOutput(sinkId: string): Promise<boolean> {
    return this.#element === undefined ? Promise.resolve(false) : routeOutput(this.#element, sinkId);
  }

  setMuted(muted: boolean): void {
    if (this.#element !== undefined) this.#element.muted = muted;
  }

  /** Idempotent: the element goes back to the pool once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#element !== undefined) this.#pool.give(this.#element);
  }
}
