import FFT from 'fft.js';

/** The part of fft.js this module uses (its own declarations are untyped). */
interface RealFft {
  createComplexArray(): number[];
  realTransform(out: number[], data: ArrayLike<number>): void;
  completeSpectrum(spectrum: number[]): void;
  inverseTransform(out: number[], data: number[]): void;
}

/** Analysis rate after decimation: speech band, and cheap enough to run every few hundred ms. */
const ANALYSIS_RATE = 12_000;
/** Decimated samples compared: the microphone's latest window, the reference's latest window plus lags. */
export const WINDOW = 4096;
const SIZE = 8192;
/** Longest speaker-to-microphone delay searched (output plus input latency, air path), in decimated samples. */
export const MAX_LAG = 4000;
/** Below this RMS (≈ −50 dBFS) a side counts as silent and no score is given. */
const SILENCE_RMS = 0.003;

/** How many device samples the analysers must hold for one score at `sampleRate`. */
export function samplesNeeded(sampleRate: number): number {
  return SIZE * decimationOf(sampleRate);
}

function decimationOf(sampleRate: number): number {
  // An AnalyserNode holds at most 32768 samples: above 48 kHz the analysis rate rises instead.
  return Math.min(4, Math.max(1, Math.round(sampleRate / ANALYSIS_RATE)));
}

/**
 * Averages `factor` samples into one (a crude low-pass that keeps the speech band), then takes the first
 * difference (pre-emphasis) so the strong low frequencies of speech do not make unrelated signals correlate.
 * Returns the RMS of the decimated signal before pre-emphasis.
 */
function condition(input: Float32Array, factor: number, out: Float64Array): number {
  const start = input.length - out.length * factor;
  let previous = 0;
  let power = 0;
  for (let i = 0; i < out.length; i += 1) {
    let sum = 0;
    for (let j = 0; j < factor; j += 1) sum += input[start + i * factor + j] ?? 0;
    const value = sum / factor;
    power += value * value;
    out[i] = i === 0 ? 0 : value - previous;
    previous = value;
  }
  return Math.sqrt(power / out.length);
}

/**
 * How much of what the console plays the microphone hears: the peak normalised cross-correlation of the
 * microphone's latest ~340 ms against the console's output over delays of 0 to ~330 ms. Near 1 when the
 * microphone picks up the speakers (whatever the delay and level), near 0 for unrelated sounds. Null when
 * either side is silent. One instance per sample rate; not safe to share between concurrent callers.
 */
export class CouplingMeter {
  readonly #factor: number;
  readonly #fft: RealFft;
  readonly #mic = new Float64Array(SIZE);
  readonly #ref = new Float64Array(SIZE);
  readonly #micSpectrum: number[];
  readonly #refSpectrum: number[];
  readonly #product: number[];
  readonly #correlation: number[];
  readonly #energy = new Float64Array(SIZE + 1);
  readonly #micWindow = new Float64Array(WINDOW);

  constructor(sampleRate: number) {
    this.#factor = decimationOf(sampleRate);
    this.#fft = new FFT(SIZE);
    this.#micSpectrum = this.#fft.createComplexArray();
    this.#refSpectrum = this.#fft.createComplexArray();
    this.#product = this.#fft.createComplexArray();
    this.#correlation = this.#fft.createComplexArray();
  }

  /** Device samples each side must provide (the newest last). */
  get length(): number {
    return SIZE * this.#factor;
  }

  /** `mic` and `reference` hold the latest `length` samples of each, taken at the same moment. */
  score(mic: Float32Array, reference: Float32Array): number | null {
    if (mic.length < this.length || reference.length < this.length) {
      throw new RangeError(`CouplingMeter needs ${this.length} samples per side`);
    }
    const micRms = condition(mic, this.#factor, this.#micWindow);
    const refRms = condition(reference, this.#factor, this.#ref);
    if (micRms < SILENCE_RMS || refRms < SILENCE_RMS) return null;
    // The microphone window sits at the end; the rest is zero so the correlation does not wrap.
    this.#mic.fill(0);
    this.#mic.set(this.#micWindow, SIZE - WINDOW);
    let micEnergy = 0;
    for (const value of this.#micWindow) micEnergy += value * value;
    this.#energy[0] = 0;
    for (let i = 0; i < SIZE; i += 1) {
      const value = this.#ref[i] ?? 0;
      this.#energy[i + 1] = (this.#energy[i] ?? 0) + value * value;
    }

    const fft = this.#fft;
    fft.realTransform(this.#micSpectrum, this.#mic);
    fft.completeSpectrum(this.#micSpectrum);
    fft.realTransform(this.#refSpectrum, this.#ref);
    fft.completeSpectrum(this.#refSpectrum);
    // mic × conj(ref): its inverse is c[k] = Σ mic[n]·ref[n−k], the microphone lagging the output by k.
    const a = this.#micSpectrum;
    const b = this.#refSpectrum;
    const p = this.#product;
    for (let i = 0; i < 2 * SIZE; i += 2) {
      const ar = a[i] ?? 0;
      const ai = a[i + 1] ?? 0;
      const br = b[i] ?? 0;
      const bi = b[i + 1] ?? 0;
      p[i] = ar * br + ai * bi;
      p[i + 1] = ai * br - ar * bi;
    }
    fft.inverseTransform(this.#correlation, p);

    let best = 0;
    for (let lag = 0; lag <= MAX_LAG; lag += 1) {
      const from = SIZE - WINDOW - lag;
      const refEnergy = (this.#energy[from + WINDOW] ?? 0) - (this.#energy[from] ?? 0);
      if (refEnergy <= 0) continue;
      const value = Math.abs(this.#correlation[2 * lag] ?? 0) / Math.sqrt(micEnergy * refEnergy);
      if (value > best) best = value;
    }
    return Math.min(1, best);
  }
}
