/**
 * The live level of the microphone track, for a "you are on the air" meter. The analyser is a dead end (not
 * connected to the speakers), so the meter never plays the microphone back. While the producer is paused the
 * track is disabled and the level reads 0, so the meter shows what is actually being sent.
 */
export class MicLevelMeter {
  readonly track: MediaStreamTrack;
  readonly #context: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #analyser: AnalyserNode;
  readonly #samples: Float32Array<ArrayBuffer>;
  readonly #ownsContext: boolean;
  #closed = false;

  constructor(track: MediaStreamTrack, context?: AudioContext) {
    this.track = track;
    this.#ownsContext = context === undefined;
    this.#context = context ?? new AudioContext();
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 1024;
    this.#analyser.smoothingTimeConstant = 0;
    this.#source.connect(this.#analyser);
    this.#samples = new Float32Array(this.#analyser.fftSize);
  }

  /** Resumes the audio context (browsers start it suspended before a user gesture). */
  resume(): void {
    if (!this.#closed && this.#context.state === 'suspended')
      void this.#context.resume().catch(() => undefined);
  }

  /** Current level 0..1: RMS of the last ~20 ms scaled so speech at normal loudness reaches about 0.5–0.9. */
  level(): number {
    if (this.#closed) return 0;
    this.#analyser.getFloatTimeDomainData(this.#samples);
    return scaleLevel(rms(this.#samples));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#source.disconnect();
    if (this.#ownsContext) void this.#context.close().catch(() => undefined);
  }
}

export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const value = samples[i] ?? 0;
    sum += value * value;
  }
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/** Maps RMS onto 0..1 on a decibel scale from -60 dBFS (0) to -6 dBFS (1). */
export function scaleLevel(value: number): number {
  if (value <= 0) return 0;
  const db = 20 * Math.log10(value);
  return Math.min(1, Math.max(0, (db + 60) / 54));
}
