import { Emitter } from './Emitter';
import { routeOutput } from './audioOutput';

/**
 * Feedback tones the server offers under /tones (see packages/server/assets/tones/README.md). 'preempted'
 * (someone of higher priority cut in) has no file yet and is always synthesized.
 */
export type ToneName = 'transmit-start' | 'transmit-end' | 'busy' | 'preempted';
export const TONE_NAMES: readonly ToneName[] = ['transmit-start', 'transmit-end', 'busy', 'preempted'];

export type TonePlayerEvents = {
  /** A tone started playing: from its file, or synthesized when the file is unavailable. */
  played: [{ name: ToneName; source: 'file' | 'synth' }];
  error: [Error];
};

export interface TonePlayerOptions {
  /** Where the manifest is (default /tones/manifest.json). */
  manifestUrl?: string;
  /** Playback volume 0..1 (default 0.8). */
  volume?: number;
}

/** Beeps used when a tone file cannot be loaded: frequency (Hz), beep length and count. */
const SYNTH: Record<ToneName, { hz: number; ms: number; count: number }> = {
  'transmit-start': { hz: 1800, ms: 90, count: 1 },
  'transmit-end': { hz: 600, ms: 120, count: 1 },
  busy: { hz: 440, ms: 100, count: 3 },
  preempted: { hz: 1000, ms: 220, count: 2 },
};

function isManifest(value: unknown): value is { tones: Partial<Record<ToneName, string>> } {
  return typeof value === 'object' && value !== null && 'tones' in value && typeof value.tones === 'object';
}

/**
 * Plays feedback tones on this device's speakers only. The elements are not connected to anything that
 * reaches the microphone producer, so nobody on a channel hears them. One preloaded audio element per tone;
 * a tone that could not be loaded falls back to a short synthesized beep so feedback is never silent.
 */
export class TonePlayer extends Emitter<TonePlayerEvents> {
  readonly #manifestUrl: string;
  readonly #elements = new Map<ToneName, HTMLAudioElement>();
  #volume: number;
  #context: AudioContext | undefined;
  #sinkId = '';
  #closed = false;

  constructor(options: TonePlayerOptions = {}) {
    super();
    this.#manifestUrl = options.manifestUrl ?? '/tones/manifest.json';
    this.#volume = clamp(options.volume ?? 0.8);
  }

  /** Fetches the manifest and preloads the files. Failures are reported and leave the synthesized beeps. */
  async load(): Promise<void> {
    try {
      const response = await fetch(this.#manifestUrl, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`The tone list could not be loaded (HTTP ${response.status}).`);
      const body: unknown = await response.json();
      if (!isManifest(body)) throw new Error('The tone list has an unexpected shape.');
      if (this.#closed) return;
      for (const name of TONE_NAMES) {
        const url = body.tones[name];
        if (typeof url !== 'string') continue;
        const element = new Audio();
        element.preload = 'auto';
        element.src = new URL(url, new URL(this.#manifestUrl, location.href)).href;
        element.volume = this.#volume;
        element.dataset.tone = name;
        if (this.#sinkId !== '') void routeOutput(element, this.#sinkId);
        element.load();
        this.#elements.get(name)?.removeAttribute('src');
        this.#elements.set(name, element);
      }
    } catch (error) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Plays the tones on an output device ('' is the system default). */
  setOutput(sinkId: string): void {
    this.#sinkId = sinkId;
    for (const element of this.#elements.values()) void routeOutput(element, sinkId);
    if (this.#context !== undefined) void routeOutput(this.#context, sinkId);
  }

  setVolume(volume: number): void {
    this.#volume = clamp(volume);
    for (const element of this.#elements.values()) element.volume = this.#volume;
  }

  /** Plays a tone from its start; resolves true when playback started. */
  async play(name: ToneName): Promise<boolean> {
    if (this.#closed || this.#volume === 0) return false;
    const element = this.#elements.get(name);
    if (element !== undefined && element.error === null) {
      try {
        element.pause();
        element.currentTime = 0;
        await element.play();
        this.emit('played', { name, source: 'file' });
        return true;
      } catch (error) {
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
      }
    }
    return this.#synthesize(name);
  }

  #synthesize(name: ToneName): boolean {
    if (typeof AudioContext === 'undefined') return false;
    try {
      if (this.#context === undefined) {
        this.#context = new AudioContext();
        if (this.#sinkId !== '') void routeOutput(this.#context, this.#sinkId);
      }
      const context = this.#context;
      void context.resume();
      const { hz, ms, count } = SYNTH[name];
      const start = context.currentTime + 0.01;
      for (let i = 0; i < count; i += 1) {
        const at = start + (i * (ms + 60)) / 1000;
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.frequency.value = hz;
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(this.#volume * 0.5, at + 0.005);
        gain.gain.setValueAtTime(this.#volume * 0.5, at + ms / 1000 - 0.01);
        gain.gain.linearRampToValueAtTime(0, at + ms / 1000);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(at);
        oscillator.stop(at + ms / 1000);
      }
      this.emit('played', { name, source: 'synth' });
      return true;
    } catch (error) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const element of this.#elements.values()) {
      element.pause();
      element.removeAttribute('src');
      element.load();
    }
    this.#elements.clear();
    void this.#context?.close().catch(() => undefined);
    this.#context = undefined;
    this.removeAllListeners();
  }
}

function clamp(volume: number): number {
  return Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : 0.8;
}
