import { Emitter } from '@squelch/client';
import type { ConsoleMixer } from '../ConsoleMixer';
import { CouplingMeter } from './couplingScore';

/** What the console does to its playback while transmitting once the microphone was heard picking it up. */
export type FeedbackAction = 'duck' | 'mute' | 'off';

export interface FeedbackStatus {
  /** The microphone was heard picking up the console's playback (stays until dismissed). */
  heard: boolean;
  /** Latest coupling score (0..1), null when a side was silent or no check ran yet. */
  score: number | null;
  /** Highest score seen since the guard started (diagnostics, the benchmark). */
  peak: number;
  /** Checks run while transmitting, and how many times the guard raised the warning. */
  checks: number;
  /** Checks where both sides had sound, so a score was given. */
  scored: number;
  detections: number;
}

/** A score at or above this, twice in a row, means the microphone hears the speakers. */
export const COUPLED_SCORE = 0.5;
const CONSECUTIVE = 2;
const CHECK_MS = 150;
/** Playback while transmitting with the warning up, per action. */
const DUCK_GAIN = 0.1; // −20 dB
const BUS_GAIN: Record<FeedbackAction, number> = { duck: DUCK_GAIN, mute: 0, off: 1 };

/**
 * Watches for the dispatcher's microphone hearing the console's own playback (speakers instead of headphones:
 * every channel monitored would be sent back out on the channel talked on, and loop). While the dispatcher
 * transmits, it compares the raw microphone (no echo cancellation: its output is no evidence) with the
 * console's mixed output every 150 ms; two coupled scores in a row raise the warning, which stays until
 * dismissed, and while it stands the console's playback is ducked (or muted) whenever the dispatcher talks.
 * Owned by the console next to the mixer; close() disconnects its nodes and stops its timer (not the track).
 */
export class FeedbackGuard extends Emitter<{ change: [FeedbackStatus] }> {
  readonly #mixer: ConsoleMixer;
  readonly #meter: CouplingMeter;
  readonly #reference: AnalyserNode;
  readonly #referenceSamples: Float32Array<ArrayBuffer>;
  readonly #micAnalyser: AnalyserNode;
  readonly #micSamples: Float32Array<ArrayBuffer>;
  #micSource: MediaStreamAudioSourceNode | undefined;
  #micTrack: MediaStreamTrack | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #transmitting = false;
  #action: FeedbackAction = 'duck';
  #run = 0;
  #status: FeedbackStatus = { heard: false, score: null, peak: 0, checks: 0, scored: 0, detections: 0 };
  #closed = false;

  constructor(mixer: ConsoleMixer) {
    super();
    this.#mixer = mixer;
    const { context } = mixer;
    this.#meter = new CouplingMeter(context.sampleRate);
    const size = this.#meter.length;
    this.#reference = context.createAnalyser();
    this.#reference.fftSize = size;
    this.#referenceSamples = new Float32Array(size);
    mixer.bus.connect(this.#reference);
    this.#micAnalyser = context.createAnalyser();
    this.#micAnalyser.fftSize = size;
    this.#micSamples = new Float32Array(size);
  }

  get status(): FeedbackStatus {
    return this.#status;
  }

  /** The raw microphone to listen to (null: none open). */
  setMicrophone(track: MediaStreamTrack | null): void {
    if (this.#closed || (track ?? undefined) === this.#micTrack) return;
    this.#micSource?.disconnect();
    this.#micSource = undefined;
    this.#micTrack = track ?? undefined;
    if (track === null) return;
    this.#micSource = this.#mixer.context.createMediaStreamSource(new MediaStream([track]));
    this.#micSource.connect(this.#micAnalyser);
  }

  setAction(action: FeedbackAction): void {
    this.#action = action;
    this.#applyGain();
  }

  setTransmitting(transmitting: boolean): void {
    if (this.#closed || transmitting === this.#transmitting) return;
    this.#transmitting = transmitting;
    this.#run = 0;
    if (transmitting) {
      this.#timer = setInterval(() => this.#check(), CHECK_MS);
    } else {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    this.#applyGain();
  }

  /** The dispatcher read the warning (and, hopefully, put headphones on). */
  dismiss(): void {
    if (!this.#status.heard) return;
    this.#patch({ heard: false });
    this.#applyGain();
  }

  #check(): void {
    if (this.#micSource === undefined) return;
    this.#micAnalyser.getFloatTimeDomainData(this.#micSamples);
    this.#reference.getFloatTimeDomainData(this.#referenceSamples);
    const score = this.#meter.score(this.#micSamples, this.#referenceSamples);
    this.#run = score !== null && score >= COUPLED_SCORE ? this.#run + 1 : 0;
    const raise = !this.#status.heard && this.#run >= CONSECUTIVE;
    this.#patch({
      score,
      peak: Math.max(this.#status.peak, score ?? 0),
      checks: this.#status.checks + 1,
      scored: this.#status.scored + (score === null ? 0 : 1),
      ...(raise ? { heard: true, detections: this.#status.detections + 1 } : {}),
    });
    if (raise) this.#applyGain();
  }

  #applyGain(): void {
    if (this.#closed) return;
    const duck = this.#transmitting && this.#status.heard;
    this.#mixer.setBusGain(duck ? BUS_GAIN[this.#action] : 1);
  }

  #patch(patch: Partial<FeedbackStatus>): void {
    this.#status = { ...this.#status, ...patch };
    this.emit('change', this.#status);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#micSource?.disconnect();
    try {
      this.#mixer.bus.disconnect(this.#reference);
    } catch {
      // The mixer closed first and disconnected everything already.
    }
    this.removeAllListeners();
  }
}
