import { describe, expect, it } from 'vitest';
import { CouplingMeter } from '../src/app/console/feedback/couplingScore';

const RATE = 48_000;

/** Deterministic noise-like "speech": band-limited noise with a syllable-rate envelope. */
function speechLike(length: number, seed: number): Float32Array {
  // mulberry32
  let state = seed * 0x9e3779b9;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296 - 0.5;
  };
  const out = new Float32Array(length);
  let low = 0;
  for (let i = 0; i < length; i += 1) {
    low += 0.2 * (random() - low);
    const envelope = 0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / RATE + seed);
    out[i] = 0.6 * low * envelope;
  }
  return out;
}

function delayed(signal: Float32Array, samples: number, gain: number): Float32Array {
  const out = new Float32Array(signal.length);
  for (let i = samples; i < signal.length; i += 1) out[i] = (signal[i - samples] ?? 0) * gain;
  return out;
}

function mix(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + (b[i] ?? 0));
}

describe('CouplingMeter', () => {
  const meter = new CouplingMeter(RATE);
  const length = meter.length;

  it('scores near 1 when the microphone hears the output, at any delay up to ~300 ms and any level', () => {
    const output = speechLike(length, 1);
    for (const delayMs of [0, 20, 120, 300]) {
      const score = meter.score(delayed(output, (delayMs * RATE) / 1000, 0.3), output);
      expect(score, `${delayMs} ms`).toBeGreaterThan(0.9);
    }
  });

  it('still scores high when the dispatcher talks over the coupled output', () => {
    const output = speechLike(length, 2);
    const voice = speechLike(length, 3);
    expect(meter.score(mix(voice, delayed(output, 2400, 0.8)), output)).toBeGreaterThan(0.5);
  });

  it('scores low for unrelated sounds', () => {
    for (let seed = 10; seed < 20; seed += 1) {
      const score = meter.score(speechLike(length, seed), speechLike(length, seed + 100));
      expect(score).toBeLessThan(0.2);
    }
  });

  it('gives no score when either side is silent, and refuses short buffers', () => {
    const output = speechLike(length, 4);
    expect(meter.score(new Float32Array(length), output)).toBeNull();
    expect(meter.score(output, new Float32Array(length))).toBeNull();
    expect(() => meter.score(new Float32Array(10), output)).toThrow(RangeError);
  });
});
