import { Emitter } from './Emitter';
import type { PttClient } from './PttClient';
import { DEFAULT_QUALITY_THRESHOLDS, linkMetrics, rateLinkQuality, worstOf } from './quality';
import type { LinkMetrics, LinkQuality, PacketCounters, QualityThresholds, StatsEntry } from './quality';

export interface QualitySample {
  quality: LinkQuality;
  metrics: LinkMetrics;
  at: number;
}

export type QualityMonitorEvents = {
  sample: [QualitySample];
};

export interface QualityMonitorOptions {
  /** Sampling period (default 2 s). */
  intervalMs?: number;
  /** Send a signalling ping every n-th sample to measure the control path too (default 3; 0 = never). */
  pingEvery?: number;
  thresholds?: QualityThresholds;
}

function entriesOf(report: RTCStatsReport | undefined): StatsEntry[] {
  if (report === undefined) return [];
  const entries: StatsEntry[] = [];
  report.forEach((value: unknown) => {
    if (typeof value === 'object' && value !== null && 'type' in value && 'id' in value) {
      entries.push(value as StatsEntry);
    }
  });
  return entries;
}

/**
 * Samples a PttClient's transports with getStats() and rates the link (see quality.ts). While the client is
 * not connected the quality is 'unknown'. close() stops the timer.
 */
export class QualityMonitor extends Emitter<QualityMonitorEvents> {
  readonly #client: PttClient;
  readonly #options: Required<QualityMonitorOptions>;
  readonly #timer: ReturnType<typeof setInterval>;
  #counters: PacketCounters = {};
  #pingRttMs: number | undefined;
  #ticks = 0;
  #busy = false;
  #last: QualitySample = { quality: 'unknown', metrics: {}, at: 0 };
  #closed = false;

  constructor(client: PttClient, options: QualityMonitorOptions = {}) {
    super();
    this.#client = client;
    this.#options = {
      intervalMs: options.intervalMs ?? 2000,
      pingEvery: options.pingEvery ?? 3,
      thresholds: options.thresholds ?? DEFAULT_QUALITY_THRESHOLDS,
    };
    this.#timer = setInterval(() => void this.sampleNow(), this.#options.intervalMs);
  }

  get last(): QualitySample {
    return this.#last;
  }

  /** Takes one sample now (also used by the timer). */
  async sampleNow(): Promise<QualitySample> {
    if (this.#busy || this.#closed) return this.#last;
    this.#busy = true;
    try {
      const sample = await this.#sample();
      if (!this.#closed) {
        this.#last = sample;
        this.emit('sample', sample);
      }
      return sample;
    } finally {
      this.#busy = false;
    }
  }

  async #sample(): Promise<QualitySample> {
    const at = Date.now();
    const link = this.#client.mediaLink;
    if (this.#client.state !== 'connected' || link === undefined) {
      this.#counters = {};
      this.#pingRttMs = undefined;
      return { quality: 'unknown', metrics: {}, at };
    }
    this.#ticks += 1;
    const { send, recv } = link.transports;
    const reports = await Promise.all([
      send?.getStats().catch(() => undefined),
      recv?.getStats().catch(() => undefined),
      this.#ping(),
    ]);
    const entries = [...entriesOf(reports[0]), ...entriesOf(reports[1])];
    const { metrics, counters } = linkMetrics(entries, this.#counters);
    this.#counters = counters;
    const combined = worstOf(metrics, this.#pingRttMs !== undefined ? { rttMs: this.#pingRttMs } : {});
    return { quality: rateLinkQuality(combined, this.#options.thresholds), metrics: combined, at };
  }

  async #ping(): Promise<undefined> {
    const signalling = this.#client.signalling;
    const every = this.#options.pingEvery;
    if (every <= 0 || signalling === undefined || this.#ticks % every !== 1 % every) return undefined;
    const started = performance.now();
    try {
      await signalling.request('ping', {});
      this.#pingRttMs = performance.now() - started;
    } catch {
      this.#pingRttMs = undefined;
    }
    return undefined;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.removeAllListeners();
  }
}
