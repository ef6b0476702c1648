/**
 * Plays one channel's received track through an audio element. Owned by PttClient; close() stops playback and
 * releases the element so long shifts do not accumulate media elements.
 */
export class ChannelAudio {
  readonly track: MediaStreamTrack;
  readonly #element: HTMLAudioElement | undefined;

  constructor(track: MediaStreamTrack, options: { play: boolean; volume: number }) {
    this.track = track;
    if (options.play && typeof Audio !== 'undefined') {
      const element = new Audio();
      element.autoplay = true;
      element.srcObject = new MediaStream([track]);
      element.volume = options.volume;
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

  setMuted(muted: boolean): void {
    if (this.#element !== undefined) this.#element.muted = muted;
  }

  close(): void {
    if (this.#element !== undefined) {
      this.#element.pause();
      this.#element.srcObject = null;
    }
  }
}
