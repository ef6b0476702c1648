import type { Page } from 'playwright-core';
import { LabPage } from './labPage';

/** One analysis frame of what a listener receives: level and the level at the tone frequencies (dB). */
export interface SpectrumFrame {
  t: number;
  rms: number;
  bands: Record<'440' | '600' | '1000' | '1800', number>;
}

/**
 * A second person who only listens, on the lab page (it exposes the received tracks). Besides the lab's
 * level probes it records spectrum frames, to tell the talker's 1 kHz voice from a feedback tone
 * (1800 / 600 / 440 Hz) that must never reach a channel.
 */
export class Listener {
  readonly lab: LabPage;

  private constructor(readonly page: Page) {
    this.lab = new LabPage(page);
  }

  static async open(page: Page, origin: string, token: string): Promise<Listener> {
    await page.goto(`${origin}/lab.html`);
    const listener = new Listener(page);
    await listener.lab.connect(token);
    return listener;
  }

  async join(channelId: string): Promise<void> {
    await this.lab.join(channelId);
  }

  /** Waits for sound above / below a level; elapsed ms or null on timeout. */
  waitFor(channelId: string, direction: 'above' | 'below', timeoutMs = 5000): Promise<number | null> {
    return this.lab.waitForLevel(channelId, direction, direction === 'above' ? 0.05 : 0.01, timeoutMs);
  }

  async level(channelId: string, ms = 600): Promise<number> {
    return (await this.lab.measure(channelId, ms)).rms;
  }

  /** Records spectrum frames of a channel's received audio for `ms` (start it, then act, then await it). */
  spectrum(channelId: string, ms: number, options: { since?: number } = {}): Promise<SpectrumFrame[]> {
    return this.page.evaluate(
      async ([id, duration, since]) => {
        const track = window.lab.client()?.channelTrack(id);
        if (track === undefined) throw new Error(`No track for channel ${id}`);
        const context = new AudioContext({ sampleRate: 48000 });
        await context.resume();
        const stream = new MediaStream([track]);
        // Chromium feeds Web Audio from a remote track only while a media element plays it.
        const element = new Audio();
        element.muted = true;
        element.srcObject = stream;
        await element.play().catch(() => undefined);
        const source = context.createMediaStreamSource(stream);
        const analyser = context.createAnalyser();
        analyser.fftSize = 2048;
        analyser.smoothingTimeConstant = 0;
        source.connect(analyser);
        const spectrum = new Float32Array(analyser.frequencyBinCount);
        const samples = new Float32Array(analyser.fftSize);
        const binHz = context.sampleRate / analyser.fftSize;
        const band = (hz: number) => {
          const center = Math.round(hz / binHz);
          let best = -200;
          for (let bin = center - 2; bin <= center + 2; bin += 1)
            best = Math.max(best, spectrum[bin] ?? -200);
          return best;
        };
        const frames: { t: number; rms: number; bands: Record<'440' | '600' | '1000' | '1800', number> }[] =
          [];
        const start = performance.now();
        // Frame times from when recording began here, or (`since`, an epoch time of the test's clock — the
        // same host clock) from that instant, so setting up the analyser does not shift them.
        const zero = since === null ? start : performance.now() - (Date.now() - since);
        while (performance.now() - start < duration) {
          analyser.getFloatFrequencyData(spectrum);
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const value of samples) sum += value * value;
          frames.push({
            t: performance.now() - zero,
            rms: Math.sqrt(sum / samples.length),
            bands: { '440': band(440), '600': band(600), '1000': band(1000), '1800': band(1800) },
          });
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
        source.disconnect();
        element.srcObject = null;
        await context.close();
        return frames;
      },
      [channelId, ms, options.since ?? null] as const,
    );
  }
}

/**
 * A click — the receiver's jitter buffer stretching or shortening audio — lifts every band in the frames whose
 * analysis window (2048 samples, 43 ms, read about every 15 ms) holds it: up to about 60 ms of frames. A leaked
 * tone (90 ms at the shortest, longer with the window) or a second talker lasts longer than this.
 */
export const LASTING_MS = 75;

/** The longest stretch of consecutive frames that match: ms from its first frame to its last (0: one frame). */
export function longestStretch(
  frames: readonly SpectrumFrame[],
  matches: (frame: SpectrumFrame) => boolean,
): { ms: number; from: number; to: number; count: number } {
  let best = { ms: -1, from: 0, to: 0, count: 0 };
  let start: SpectrumFrame | undefined;
  let count = 0;
  for (const frame of frames) {
    if (!matches(frame)) {
      start = undefined;
      count = 0;
      continue;
    }
    start ??= frame;
    count += 1;
    const ms = Math.abs(frame.t - start.t);
    if (ms > best.ms) best = { ms, from: start.t, to: frame.t, count };
  }
  return best;
}

/** The first frame from which a band stays above `db` for LASTING_MS (frames in the order given). */
export function lastingFrom(
  frames: readonly SpectrumFrame[],
  band: keyof SpectrumFrame['bands'],
  db: number,
): SpectrumFrame | undefined {
  for (let i = 0; i < frames.length; i += 1) {
    const first = frames[i]!;
    for (let j = i; j < frames.length && frames[j]!.bands[band] > db; j += 1) {
      if (Math.abs(frames[j]!.t - first.t) >= LASTING_MS) return first;
    }
  }
  return undefined;
}
