import type { BrowserContext, Page } from 'playwright-core';

/**
 * Taps what a page sends to its speakers through Web Audio: every connect() to an AudioDestinationNode also
 * feeds a stereo splitter with one analyser per side, installed before any page script runs.
 */
const OUTPUT_TAP = `
  (() => {
    const taps = [];
    window.__outputTaps = taps;
    const connect = AudioNode.prototype.connect;
    AudioNode.prototype.connect = function (target, ...rest) {
      const result = connect.call(this, target, ...rest);
      if (typeof AudioDestinationNode !== 'undefined' && target instanceof AudioDestinationNode) {
        const context = this.context;
        let tap = taps.find((entry) => entry.context === context);
        if (tap === undefined) {
          const splitter = context.createChannelSplitter(2);
          const left = context.createAnalyser();
          const right = context.createAnalyser();
          left.fftSize = 2048;
          right.fftSize = 2048;
          connect.call(splitter, left, 0);
          connect.call(splitter, right, 1);
          tap = { context, splitter, left, right };
          taps.push(tap);
        }
        connect.call(this, tap.splitter);
      }
      return result;
    };
  })();
`;

/** Level of one side of the output: overall RMS and the amplitude at given frequencies, in dBFS. */
export interface SideLevel {
  rmsDb: number;
  tones: Record<number, number>;
}

export interface OutputLevel {
  left: SideLevel;
  right: SideLevel;
}

export async function installOutputTap(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: OUTPUT_TAP });
}

/**
 * Measures the page's Web Audio output for `ms`: mean power per side, and per frequency (Goertzel on
 * Hann-windowed frames), averaged over frames taken every 25 ms, as dB. Uses the newest running tap.
 */
export function measureOutput(page: Page, ms: number, frequencies: number[] = [1000]): Promise<OutputLevel> {
  return page.evaluate(
    async ([duration, freqs]) => {
      type Tap = { context: AudioContext; left: AnalyserNode; right: AnalyserNode };
      const taps = (window as unknown as { __outputTaps: Tap[] }).__outputTaps.filter(
        (tap) => tap.context.state !== 'closed',
      );
      const tap = taps[taps.length - 1];
      if (tap === undefined) throw new Error('the page plays nothing through Web Audio');
      const rate = tap.context.sampleRate;
      const size = tap.left.fftSize;
      const window_ = Float32Array.from(
        { length: size },
        (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size),
      );
      const sides = [tap.left, tap.right].map((analyser) => ({
        analyser,
        samples: new Float32Array(size),
        power: 0,
        tones: freqs.map(() => 0),
      }));
      let frames = 0;
      const start = performance.now();
      while (performance.now() - start < duration) {
        for (const side of sides) {
          side.analyser.getFloatTimeDomainData(side.samples);
          let sum = 0;
          for (const value of side.samples) sum += value * value;
          side.power += sum / size;
          freqs.forEach((frequency, index) => {
            const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
            let s1 = 0;
            let s2 = 0;
            for (let i = 0; i < size; i += 1) {
              const s0 = (side.samples[i] ?? 0) * (window_[i] ?? 0) + coefficient * s1 - s2;
              s2 = s1;
              s1 = s0;
            }
            // Amplitude of a sine at this frequency (Hann window coherent gain 0.5).
            const magnitude = Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coefficient * s1 * s2));
            const amplitude = (2 * magnitude) / (size * 0.5);
            side.tones[index] = (side.tones[index] ?? 0) + amplitude * amplitude;
          });
        }
        frames += 1;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const db = (power: number) => 10 * Math.log10(Math.max(power / Math.max(frames, 1), 1e-12));
      const [left, right] = sides.map((side) => ({
        rmsDb: db(side.power),
        tones: Object.fromEntries(freqs.map((frequency, index) => [frequency, db(side.tones[index] ?? 0)])),
      }));
      return { left: left!, right: right! };
    },
    [ms, frequencies] as const,
  );
}

/** The level of one tone over both speakers together (dB; power sum of left and right). */
export function toneDb(level: OutputLevel, frequency = 1000): number {
  const power = (db: number | undefined) => 10 ** ((db ?? -120) / 10);
  return 10 * Math.log10(power(level.left.tones[frequency]) + power(level.right.tones[frequency]));
}

/** Polls until the page's speakers carry the 1 kHz tone above -30 dB; ms from `since` (Date.now()), or null. */
export async function heardAfter(page: Page, since: number, timeoutMs: number): Promise<number | null> {
  while (Date.now() - since < timeoutMs) {
    if (toneDb(await measureOutput(page, 100)) > -30) return Date.now() - since;
  }
  return null;
}
