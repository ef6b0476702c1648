/**
 * Connection quality from WebRTC statistics, as a traffic light a person can read at a glance.
 *
 * Everything here is pure: `linkMetrics` turns getStats() entries (plus the counters of the previous sample)
 * into round-trip time, loss and jitter; `rateLinkQuality` maps those onto good / fair / poor. The worst
 * metric decides. QualityMonitor (qualityMonitor.ts) does the polling.
 */
export type LinkQuality = 'good' | 'fair' | 'poor' | 'unknown';

export interface LinkMetrics {
  /** Round-trip time to the media server in ms (ICE candidate pair, or signalling ping). */
  rttMs?: number;
  /** Share of packets lost since the previous sample, 0..1 (undefined when no packets were expected). */
  lossFraction?: number;
  /** Interarrival jitter of received audio in ms (the worst channel). */
  jitterMs?: number;
}

export interface QualityLimits {
  rttMs: number;
  lossFraction: number;
  jitterMs: number;
}

export interface QualityThresholds {
  /** At or above any of these: fair (yellow). */
  fair: QualityLimits;
  /** At or above any of these: poor (red). */
  poor: QualityLimits;
}

/**
 * Push-to-talk tolerates more than a phone call before people notice: Opus FEC hides a few percent of loss and
 * the jitter buffer absorbs tens of ms. Red means speech will be garbled or late.
 */
export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  fair: { rttMs: 250, lossFraction: 0.02, jitterMs: 30 },
  poor: { rttMs: 600, lossFraction: 0.08, jitterMs: 80 },
};

const RANK: Record<Exclude<LinkQuality, 'unknown'>, number> = { good: 0, fair: 1, poor: 2 };

function rateOne(value: number | undefined, fair: number, poor: number): LinkQuality {
  if (value === undefined || !Number.isFinite(value)) return 'unknown';
  if (value >= poor) return 'poor';
  if (value >= fair) return 'fair';
  return 'good';
}

/** The traffic light for a set of metrics: the worst known metric wins; unknown when none is known. */
export function rateLinkQuality(
  metrics: LinkMetrics,
  thresholds: QualityThresholds = DEFAULT_QUALITY_THRESHOLDS,
): LinkQuality {
  const ratings = [
    rateOne(metrics.rttMs, thresholds.fair.rttMs, thresholds.poor.rttMs),
    rateOne(metrics.lossFraction, thresholds.fair.lossFraction, thresholds.poor.lossFraction),
    rateOne(metrics.jitterMs, thresholds.fair.jitterMs, thresholds.poor.jitterMs),
  ].filter((rating): rating is Exclude<LinkQuality, 'unknown'> => rating !== 'unknown');
  if (ratings.length === 0) return 'unknown';
  return ratings.reduce((worst, rating) => (RANK[rating] > RANK[worst] ? rating : worst));
}

/** Packet counters of received streams, by stats id, carried from one sample to the next. */
export type PacketCounters = Record<string, { received: number; lost: number }>;

/** One getStats() entry, as plain data (RTCStats dictionaries are plain objects). */
export type StatsEntry = { type: string; id: string } & Record<string, unknown>;

function numberField(entry: StatsEntry, field: string): number | undefined {
  const value = entry[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Extracts metrics from getStats() entries of the send and receive transports.
 *
 * - rtt: `currentRoundTripTime` of the nominated, succeeded candidate pair (the worst of them), else the
 *   `roundTripTime` of remote-inbound-rtp (RTCP receiver reports of what we send);
 * - loss: lost / (lost + received) of inbound-rtp since `previous` (counters reset, e.g. after a reconnect,
 *   start a new baseline);
 * - jitter: the largest inbound-rtp `jitter` among streams that received packets in this interval.
 */
export function linkMetrics(
  entries: Iterable<StatsEntry>,
  previous: PacketCounters = {},
): { metrics: LinkMetrics; counters: PacketCounters } {
  let pairRtt: number | undefined;
  let remoteRtt: number | undefined;
  let jitter: number | undefined;
  let receivedDelta = 0;
  let lostDelta = 0;
  const counters: PacketCounters = {};
  for (const entry of entries) {
    if (entry.type === 'candidate-pair') {
      const rtt = numberField(entry, 'currentRoundTripTime');
      const selected = entry.nominated === true && entry.state === 'succeeded';
      if (selected && rtt !== undefined) pairRtt = Math.max(pairRtt ?? 0, rtt * 1000);
    } else if (entry.type === 'remote-inbound-rtp') {
      const rtt = numberField(entry, 'roundTripTime');
      if (rtt !== undefined) remoteRtt = Math.max(remoteRtt ?? 0, rtt * 1000);
    } else if (entry.type === 'inbound-rtp') {
      const received = numberField(entry, 'packetsReceived') ?? 0;
      const lost = Math.max(0, numberField(entry, 'packetsLost') ?? 0);
      counters[entry.id] = { received, lost };
      const before = previous[entry.id];
      const baseline =
        before !== undefined && before.received <= received && before.lost <= lost ? before : undefined;
      const newlyReceived = received - (baseline?.received ?? received);
      const newlyLost = lost - (baseline?.lost ?? lost);
      receivedDelta += newlyReceived;
      lostDelta += newlyLost;
      const streamJitter = numberField(entry, 'jitter');
      if (newlyReceived > 0 && streamJitter !== undefined)
        jitter = Math.max(jitter ?? 0, streamJitter * 1000);
    }
  }
  const metrics: LinkMetrics = {};
  const rtt = pairRtt ?? remoteRtt;
  if (rtt !== undefined) metrics.rttMs = rtt;
  if (receivedDelta + lostDelta > 0) metrics.lossFraction = lostDelta / (receivedDelta + lostDelta);
  if (jitter !== undefined) metrics.jitterMs = jitter;
  return { metrics, counters };
}

/** Combines metrics from several sources (e.g. getStats and a signalling ping): the worst of each wins. */
export function worstOf(...all: LinkMetrics[]): LinkMetrics {
  const result: LinkMetrics = {};
  for (const metrics of all) {
    for (const key of ['rttMs', 'lossFraction', 'jitterMs'] as const) {
      const value = metrics[key];
      if (value !== undefined) result[key] = Math.max(result[key] ?? value, value);
    }
  }
  return result;
}
