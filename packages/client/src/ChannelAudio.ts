import { routeOutput } from './audioOutput';

/**
 * Plays one channel's received track through an audio element. Owned by PttClient; close() stops playback and
 * releases the element so long shifts do not accumulate media elements.
 */
export class ChannelAudio {
  readonly track: MediaStreamTrack;
  readonly #element: HTMLAudioElement | undefined;

  constructor(track: MediaStreamTrack, options: { play: boolean; volume: number; sinkId?: string }) {
    this.track = track;
    if (options.play && typeof Audio !== 'undefined') {
      const element = new Audio();
      element.autoplay = true;
      element.srcObject = new MediaStream([track]);
      element.volume = options.volume;
      if (options.sinkId !== undefined && options.sinkId !== '') void routeOutput(element, options.sinkId);
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

  close(): void {
    if (this.#element !== undefined) {
      this.#element.pause();
      this.#element.srcObject = null;
    }
  }
}
