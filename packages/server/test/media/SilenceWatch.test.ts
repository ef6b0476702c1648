import { describe, expect, it } from 'vitest';
import { SilenceWatch } from '../../src/media/SilenceWatch';

describe('SilenceWatch', () => {
  const make = () => {
    let now = 0;
    const silent: [string, string][] = [];
    const watch = new SilenceWatch(
      { timeoutMs: 2000, firstPacketGraceMs: 1000, checkIntervalMs: 60_000 },
      (channelId, grantId) => silent.push([channelId, grantId]),
      () => now,
    );
    return { watch, silent, at: (ms: number) => (now = ms) };
  };

  it('gives the first packet the grace plus the timeout, then counts from the last packet', () => {
    const { watch, silent, at } = make();
    watch.opened('a', 'g1');
    at(2999);
    watch.check();
    expect(silent).toEqual([]);
    at(400);
    watch.packet();
    // Audio flows: the grace is over; 2 s after the last packet the holder is silent.
    at(2399);
    watch.check();
    expect(silent).toEqual([]);
    at(2400);
    watch.check();
    expect(silent).toEqual([['a', 'g1']]);
    expect(watch.firstPacketDelays).toEqual([400]);
    watch.close();
  });

  it('never reports a talker whose packets keep coming, reports a silent one once, and forgets closed gates', () => {
    const { watch, silent, at } = make();
    watch.opened('a', 'g1');
    watch.opened('b', 'g2');
    for (let t = 0; t <= 20_000; t += 20) {
      at(t);
      watch.packet();
      watch.check();
    }
    expect(silent).toEqual([]);
    watch.closed('b');
    at(30_000);
    watch.check();
    watch.check();
    expect(silent).toEqual([['a', 'g1']]);
    watch.close();
  });

  it('does nothing when turned off', () => {
    const silent: string[] = [];
    const watch = new SilenceWatch({ timeoutMs: 0, firstPacketGraceMs: 0 }, (channelId) =>
      silent.push(channelId),
    );
    watch.opened('a', 'g1');
    watch.check();
    expect(watch.enabled).toBe(false);
    expect(silent).toEqual([]);
    watch.close();
  });
});
