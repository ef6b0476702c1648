/** More free elements than this are dropped (a console rarely plays more channels at once). */
const MAX_FREE = 64;

/**
 * The media elements that play received channel tracks, reused. Chromium keeps an element that once played a
 * MediaStream alive after it was released (paused, `srcObject` null, no reference from script): measured one
 * more detached element per leave and join, never collected. Over a shift of joins and leaves they would pile
 * up, so released elements are kept here and handed out again; their number is bounded by the most channels
 * played at the same time.
 *
 * Owned by PttClient; close() forgets the free elements.
 */
export class AudioElementPool {
  readonly #free: HTMLAudioElement[] = [];

  /** A stopped element with default volume, unmuted, on the system's default output. */
  take(): HTMLAudioElement {
    return this.#free.pop() ?? new Audio();
  }

  /** Stops an element and keeps it for the next take(). */
  give(element: HTMLAudioElement): void {
    element.pause();
    element.srcObject = null;
    element.muted = false;
    element.volume = 1;
    if (this.#free.length < MAX_FREE && !this.#free.includes(element)) this.#free.push(element);
  }

  /** How many released elements wait to be reused. */
  get free(): number {
    return this.#free.length;
  }

  close(): void {
    this.#free.length = 0;
  }
}
