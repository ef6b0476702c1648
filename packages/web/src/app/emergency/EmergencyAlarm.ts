/** How often the alert tone starts again while an emergency is not acknowledged. */
export const ALARM_REPEAT_MS = 1500;

/** Beeps used when the tone file cannot be loaded: the same hi-lo pair as the shipped file. */
const FALLBACK = [
  { hz: 1400, ms: 250 },
  { hz: 2100, ms: 250 },
  { hz: 1400, ms: 250 },
  { hz: 2100, ms: 250 },
];

/**
 * The dispatcher's emergency alert: the server's `emergency` tone (see packages/server/assets/tones),
 * played through Web Audio on this device's speakers every ALARM_REPEAT_MS until stopped. Falls back to
 * synthesized beeps when the file cannot be loaded. Owns its AudioContext and timer; close() ends both.
 */
export class EmergencyAlarm {
  readonly #manifestUrl: string;
  #context: AudioContext | undefined;
  #buffer: Promise<AudioBuffer | null> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(manifestUrl = '/tones/manifest.json') {
    this.#manifestUrl = manifestUrl;
  }

  get ringing(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.#ring(), ALARM_REPEAT_MS);
    void this.#ring();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stop();
    void this.#context?.close().catch(() => undefined);
    this.#context = undefined;
  }

  async #ring(): Promise<void> {
    if (typeof AudioContext === 'undefined') return;
    this.#context ??= new AudioContext();
    const context = this.#context;
    void context.resume();
    this.#buffer ??= this.#load(context);
    const buffer = await this.#buffer;
    if (this.#timer === undefined || this.#closed) return;
    if (buffer !== null) {
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(context.destination);
      source.start();
      return;
    }
    let at = context.currentTime + 0.01;
    for (const { hz, ms } of FALLBACK) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = hz;
      gain.gain.setValueAtTime(0.4, at);
      gain.gain.setValueAtTime(0, at + ms / 1000);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + ms / 1000);
      at += ms / 1000;
    }
  }

  async #load(context: AudioContext): Promise<AudioBuffer | null> {
    try {
      const manifest = (await (await fetch(this.#manifestUrl, { cache: 'no-cache' })).json()) as {
        tones?: Record<string, string>;
      };
      const url = manifest.tones?.emergency;
      if (url === undefined) return null;
      const response = await fetch(new URL(url, new URL(this.#manifestUrl, location.href)).href);
      if (!response.ok) return null;
      return await context.decodeAudioData(await response.arrayBuffer());
    } catch {
      return null;
    }
  }
}
