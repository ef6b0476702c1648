import { describe, expect, it } from 'vitest';
import { ExponentialBackoff } from '../src/ReconnectPolicy';

describe('ExponentialBackoff', () => {
  it('doubles from the initial delay up to the ceiling, within the jitter band', () => {
    const policy = new ExponentialBackoff({
      initialMs: 100,
      maxDelayMs: 1000,
      jitter: 0.2,
      random: () => 0.5,
    });
    const delays = [0, 1, 2, 3, 4, 5].map((retryCount) =>
      policy.nextRetryDelayMs({ retryCount, elapsedMs: 0 }),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    const low = new ExponentialBackoff({ initialMs: 100, jitter: 0.2, random: () => 0 });
    const high = new ExponentialBackoff({ initialMs: 100, jitter: 0.2, random: () => 0.999999 });
    expect(low.nextRetryDelayMs({ retryCount: 0, elapsedMs: 0 })).toBe(80);
    expect(high.nextRetryDelayMs({ retryCount: 0, elapsedMs: 0 })).toBe(120);
  });

  it('gives up after the configured time', () => {
    const policy = new ExponentialBackoff({ giveUpAfterMs: 5000 });
    expect(policy.nextRetryDelayMs({ retryCount: 3, elapsedMs: 4999 })).not.toBeNull();
    expect(policy.nextRetryDelayMs({ retryCount: 3, elapsedMs: 5000 })).toBeNull();
  });

  it('never gives up by default: after two minutes it keeps trying about every 30 s', () => {
    const policy = new ExponentialBackoff({ jitter: 0 });
    expect(policy.nextRetryDelayMs({ retryCount: 30, elapsedMs: 119_000 })).toBe(5000);
    for (const elapsedMs of [120_000, 3_600_000, 12 * 3_600_000]) {
      expect(policy.nextRetryDelayMs({ retryCount: 200, elapsedMs })).toBe(30_000);
    }
    const slow = new ExponentialBackoff({ jitter: 0, slowAfterMs: 1000, slowDelayMs: 10_000 });
    expect(slow.nextRetryDelayMs({ retryCount: 1, elapsedMs: 999 })).toBe(500);
    expect(slow.nextRetryDelayMs({ retryCount: 1, elapsedMs: 1000 })).toBe(10_000);
  });
});
