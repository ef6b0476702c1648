import type { Pan } from './consoleSettings';
import { PAN_VALUES } from './consoleSettings';
import { routeOutput } from '@squelch/client';

/** Where a received channel's track plays instead of its own media element (see Radio.routeAudio). */
export interface AudioSink {
  attach(channelId: string, track: MediaStreamTrack): void;
  detach(channelId: string): void;
  /** Plays on an output device ('' is the system default), where the browser can route. */
  setOutput?(sinkId: string): Promise<boolean>;
}

interface Strip {
  track: MediaStreamTrack;
  source: MediaStreamAudioSourceNode;
  gain: GainNode;
  panner: StereoPannerNode;
  meter: AnalyserNode;
  samples: Float32Array<ArrayBuffer>;
}

/** Gain changes ramp over this long, so dimming never clicks. */
const RAMP_S = 0.02;

/**
 * The console's audio: every joined channel's received track through its own strip (gain → stereo panner →
 * level meter) into one stereo bus to the speakers. Owned by the console; close() disconnects every strip and
 * closes the audio context. The media elements that Chromium needs playing for a remote track to reach Web
 * Audio stay playing, muted (Radio.routeAudio).
 */
export class ConsoleMixer implements AudioSink {
  readonly context: AudioContext;
  /** Everything the console plays passes through here (the feedback guard and tests read it). */
  readonly bus: GainNode;
  readonly #strips = new Map<string, Strip>();
  readonly #gains = new Map<string, number>();
  readonly #pans = new Map<string, Pan>();
  #closed = false;

  constructor() {
    this.context = new AudioContext({ latencyHint: 'interactive' });
    this.bus = this.context.createGain();
    this.bus.connect(this.context.destination);
  }

  attach(channelId: string, track: MediaStreamTrack): void {
    if (this.#closed) return;
    const existing = this.#strips.get(channelId);
    if (existing?.track === track) return;
    this.detach(channelId);
    const { context } = this;
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const gain = context.createGain();
    gain.gain.value = this.#gains.get(channelId) ?? 1;
    const panner = context.createStereoPanner();
    panner.pan.value = PAN_VALUES[this.#pans.get(channelId) ?? 'centre'];
    const meter = context.createAnalyser();
    meter.fftSize = 512;
    source.connect(gain).connect(panner).connect(this.bus);
    gain.connect(meter);
    this.#strips.set(channelId, {
      track,
      source,
      gain,
      panner,
      meter,
      samples: new Float32Array(meter.fftSize),
    });
  }

  setOutput(sinkId: string): Promise<boolean> {
    return routeOutput(this.context, sinkId);
  }

  detach(channelId: string): void {
    const strip = this.#strips.get(channelId);
    if (strip === undefined) return;
    this.#strips.delete(channelId);
    strip.source.disconnect();
    strip.gain.disconnect();
    strip.panner.disconnect();
  }

  /** Sets a channel's linear gain (volume, mute, solo and dims already folded in). */
  setGain(channelId: string, gain: number): void {
    if (this.#gains.get(channelId) === gain) return;
    this.#gains.set(channelId, gain);
    const strip = this.#strips.get(channelId);
    strip?.gain.gain.setTargetAtTime(gain, this.context.currentTime, RAMP_S / 3);
  }

  setPan(channelId: string, pan: Pan): void {
    if (this.#pans.get(channelId) === pan) return;
    this.#pans.set(channelId, pan);
    const strip = this.#strips.get(channelId);
    if (strip !== undefined) strip.panner.pan.value = PAN_VALUES[pan];
  }

  /** Scales everything the console plays (the feedback guard ducks with it). */
  setBusGain(gain: number): void {
    this.bus.gain.setTargetAtTime(gain, this.context.currentTime, RAMP_S / 3);
  }

  /** The received level of a channel after its gain, 0..1 (RMS ×3, clipped), for the tile's meter. */
  level(channelId: string): number {
    const strip = this.#strips.get(channelId);
    if (strip === undefined) return 0;
    strip.meter.getFloatTimeDomainData(strip.samples);
    let sum = 0;
    for (const value of strip.samples) sum += value * value;
    return Math.min(1, Math.sqrt(sum / strip.samples.length) * 3);
  }

  /** Resumes the audio context (browsers start it suspended until a gesture). */
  resume(): void {
    if (!this.#closed && this.context.state === 'suspended') void this.context.resume();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const channelId of [...this.#strips.keys()]) this.detach(channelId);
    this.bus.disconnect();
    void this.context.close();
  }
}
