/** What a listener hears over a window of time, measured on a received track. */
export interface AudioMeasurement {
  /** Root-mean-square level of the samples (0 = silence, ~0.35 for a half-scale sine). */
  rms: number;
  /** Frequency of the strongest FFT bin, in Hz (0 when silent). */
  peakHz: number;
}

let context: AudioContext | undefined;
const holders = new WeakMap<MediaStreamTrack, { analyser: AnalyserNode; element: HTMLAudioElement }>();

/**
 * Attaches an analyser to a received track. In Chromium the remote stream must also be playing in a (muted)
 * media element, or Web Audio receives silence.
 */
function analyserFor(track: MediaStreamTrack): AnalyserNode {
  const existing = holders.get(track);
  if (existing !== undefined) return existing.analyser;
  context ??= new AudioContext({ sampleRate: 48000 });
  void context.resume();
  const stream = new MediaStream([track]);
  const element = new Audio();
  element.muted = true;
  element.srcObject = stream;
  void element.play().catch(() => undefined);
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 4096;
  analyser.smoothingTimeConstant = 0;
  source.connect(analyser);
  holders.set(track, { analyser, element });
  return analyser;
}

/** Measures a track over `durationMs`, returning the median RMS of the frames and the dominant frequency. */
export async function measureTrack(track: MediaStreamTrack, durationMs: number): Promise<AudioMeasurement> {
  const analyser = analyserFor(track);
  const samples = new Float32Array(analyser.fftSize);
  const spectrum = new Float32Array(analyser.frequencyBinCount);
  const levels: number[] = [];
  const binEnergy = new Float64Array(analyser.frequencyBinCount);
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const value of samples) sum += value * value;
    levels.push(Math.sqrt(sum / samples.length));
    analyser.getFloatFrequencyData(spectrum);
    for (let i = 0; i < spectrum.length; i += 1)
      binEnergy[i] = (binEnergy[i] ?? 0) + 10 ** ((spectrum[i] ?? -200) / 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  levels.sort((a, b) => a - b);
  const rms = levels[Math.floor(levels.length / 2)] ?? 0;
  let peakBin = 0;
  for (let i = 1; i < binEnergy.length; i += 1)
    if ((binEnergy[i] ?? 0) > (binEnergy[peakBin] ?? 0)) peakBin = i;
  const nyquist = (context?.sampleRate ?? 48000) / 2;
  return { rms, peakHz: rms < 1e-4 ? 0 : (peakBin * nyquist) / binEnergy.length };
}

/** Current RMS of a track (one frame), for "has it gone silent yet" polling. */
export function levelNow(track: MediaStreamTrack): number {
  const analyser = analyserFor(track);
  const samples = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(samples);
  let sum = 0;
  for (const value of samples) sum += value * value;
  return Math.sqrt(sum / samples.length);
}
