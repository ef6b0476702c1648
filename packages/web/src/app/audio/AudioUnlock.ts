import { Emitter } from '@squelch/client';

/** How long a fresh AudioContext may take to start before audio is taken as held back by the browser. */
const START_GRACE_MS = 600;

/**
 * Whether the browser lets this page play sound. After a reload without a gesture, autoplay rules hold back
 * received audio (a refused play(), a suspended AudioContext); the person must be told and must tap once.
 *
 * Owns one AudioContext for the page's lifetime that plays a silent loop (gain 0): it is the probe (its state
 * says whether audio may play), and it keeps the page's audio session alive through long silences, which
 * Safari otherwise ends (it then refuses remote audio until the next gesture). close() stops and releases it.
 */
export class AudioUnlock extends Emitter<{ change: [boolean] }> {
  readonly #context: AudioContext | undefined;
  #locked = false;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    if (typeof AudioContext === 'undefined') return;
    const context = new AudioContext({ latencyHint: 'playback' });
    const silence = context.createGain();
    silence.gain.value = 0;
    const source = context.createConstantSource();
    source.connect(silence).connect(context.destination);
    source.start();
    context.addEventListener('statechange', () => this.#check());
    this.#context = context;
    void context.resume().catch(() => undefined);
    // Allowed contexts start running at once; one still suspended after the grace period was held back.
    this.#timer = setTimeout(() => this.#check(), START_GRACE_MS);
  }

  /** True while the browser holds sound back (until a gesture, or audio was suspended by the system). */
  get locked(): boolean {
    return this.#locked;
  }

  /** The state of the page's audio ('running', 'suspended', 'interrupted' on iOS, 'closed'). */
  get state(): string {
    return this.#context?.state ?? 'running';
  }

  /** Call from a gesture (tap, key): the browser lets the context start, and with it media elements. */
  unlock(): void {
    if (this.#closed || this.#context === undefined || this.#context.state === 'running') return;
    void this.#context.resume().then(
      () => this.#check(),
      () => undefined,
    );
  }

  #check(): void {
    if (this.#closed || this.#context === undefined) return;
    const locked = this.#context.state !== 'running';
    if (locked === this.#locked) return;
    this.#locked = locked;
    this.emit('change', locked);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.removeAllListeners();
    void this.#context?.close().catch(() => undefined);
  }
}
