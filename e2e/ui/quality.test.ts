import { describe, expect, it } from 'vitest';
import { linkMetrics, rateLinkQuality, worstOf } from '../../packages/client/src/quality';
import type { StatsEntry } from '../../packages/client/src/quality';

const pair = (rttSeconds: number, selected = true): StatsEntry => ({
  type: 'candidate-pair',
  id: `pair-${rttSeconds}-${selected}`,
  nominated: selected,
  state: selected ? 'succeeded' : 'in-progress',
  currentRoundTripTime: rttSeconds,
});

const inbound = (id: string, received: number, lost: number, jitterSeconds: number): StatsEntry => ({
  type: 'inbound-rtp',
  id,
  kind: 'audio',
  packetsReceived: received,
  packetsLost: lost,
  jitter: jitterSeconds,
});

/** The traffic light of the connection indicator, from getStats() entries (pure functions, no browser). */
describe('connection quality', () => {
  it('rates by the worst metric: green, yellow, red', () => {
    expect(rateLinkQuality({ rttMs: 40, lossFraction: 0, jitterMs: 5 })).toBe('good');
    expect(rateLinkQuality({ rttMs: 300, lossFraction: 0, jitterMs: 5 })).toBe('fair');
    expect(rateLinkQuality({ rttMs: 40, lossFraction: 0.03, jitterMs: 5 })).toBe('fair');
    expect(rateLinkQuality({ rttMs: 40, lossFraction: 0, jitterMs: 35 })).toBe('fair');
    expect(rateLinkQuality({ rttMs: 700, lossFraction: 0, jitterMs: 5 })).toBe('poor');
    expect(rateLinkQuality({ rttMs: 40, lossFraction: 0.1, jitterMs: 5 })).toBe('poor');
    expect(rateLinkQuality({ rttMs: 300, lossFraction: 0, jitterMs: 100 })).toBe('poor');
    expect(rateLinkQuality({})).toBe('unknown');
    expect(rateLinkQuality({ rttMs: Number.NaN })).toBe('unknown');
  });

  it('takes the round trip of the selected candidate pair, else the RTCP round trip', () => {
    expect(linkMetrics([pair(0.3, false), pair(0.012)]).metrics.rttMs).toBeCloseTo(12);
    const remote: StatsEntry = { type: 'remote-inbound-rtp', id: 'r', roundTripTime: 0.08 };
    expect(linkMetrics([remote]).metrics.rttMs).toBeCloseTo(80);
    expect(linkMetrics([pair(0.02), remote]).metrics.rttMs).toBeCloseTo(20);
  });

  it('computes loss over the interval since the previous sample, not since the start', () => {
    const first = linkMetrics([inbound('a', 1000, 100, 0.004)]);
    // The first sample has no interval yet.
    expect(first.metrics.lossFraction).toBeUndefined();
    const second = linkMetrics([inbound('a', 1090, 110, 0.004)], first.counters);
    expect(second.metrics.lossFraction).toBeCloseTo(10 / 100);
    expect(rateLinkQuality(second.metrics)).toBe('poor');
    const third = linkMetrics([inbound('a', 1190, 110, 0.004)], second.counters);
    expect(third.metrics.lossFraction).toBe(0);
  });

  it('adds up several received streams and starts a new baseline when counters go back', () => {
    const before = linkMetrics([inbound('a', 500, 0, 0.002), inbound('b', 500, 0, 0.002)]).counters;
    const after = linkMetrics([inbound('a', 600, 0, 0.002), inbound('b', 590, 10, 0.002)], before);
    expect(after.metrics.lossFraction).toBeCloseTo(10 / 200);
    // A reconnect resets the counters: no negative loss, no bogus spike.
    const reset = linkMetrics([inbound('a', 10, 0, 0.002)], after.counters);
    expect(reset.metrics.lossFraction).toBeUndefined();
  });

  it('reports jitter only of streams that received packets in the interval', () => {
    const before = linkMetrics([inbound('quiet', 100, 0, 0.2), inbound('live', 100, 0, 0.001)]).counters;
    const after = linkMetrics([inbound('quiet', 100, 0, 0.2), inbound('live', 150, 0, 0.006)], before);
    expect(after.metrics.jitterMs).toBeCloseTo(6);
  });

  it('combines sources by keeping the worst of each metric', () => {
    expect(worstOf({ rttMs: 20, jitterMs: 3 }, { rttMs: 250 }, {})).toEqual({ rttMs: 250, jitterMs: 3 });
  });
});
