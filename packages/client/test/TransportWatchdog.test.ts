import type { types } from 'mediasoup-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../src/Emitter';
import { TransportWatchdog } from '../src/TransportWatchdog';

/** Stands in for a mediasoup-client transport: only its connection-state events matter to the watchdog. */
class FakeTransport extends Emitter<{ connectionstatechange: [types.ConnectionState] }> {
  set(state: types.ConnectionState): void {
    this.emit('connectionstatechange', state);
  }
}

describe('TransportWatchdog', () => {
  let transport: FakeTransport;
  let restarts: number;
  let rebuilds: string[];
  let restartIce: () => Promise<void>;
  let watchdog: TransportWatchdog;

  beforeEach(() => {
    vi.useFakeTimers();
    transport = new FakeTransport();
    restarts = 0;
    rebuilds = [];
    restartIce = () => {
      restarts += 1;
      return Promise.resolve();
    };
    watchdog = new TransportWatchdog(transport as unknown as types.Transport, {
      disconnectedGraceMs: 2000,
      restartTimeoutMs: 8000,
      restartIce: () => restartIce(),
      rebuild: (reason) => rebuilds.push(reason),
    });
  });

  afterEach(() => {
    watchdog.dispose();
    vi.useRealTimers();
  });

  it('does nothing when a short disconnection heals by itself', async () => {
    transport.set('disconnected');
    await vi.advanceTimersByTimeAsync(1500);
    transport.set('connected');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(restarts).toBe(0);
    expect(rebuilds).toEqual([]);
  });

  it('restarts ICE after the grace period, and is satisfied when the transport reconnects', async () => {
    transport.set('disconnected');
    await vi.advanceTimersByTimeAsync(2000);
    expect(restarts).toBe(1);
    transport.set('connected');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(rebuilds).toEqual([]);
  });

  it('restarts ICE at once on failure and asks for a rebuild when the restart does not reconnect', async () => {
    transport.set('failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(restarts).toBe(1);
    await vi.advanceTimersByTimeAsync(7999);
    expect(rebuilds).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(rebuilds).toEqual(['ICE restart did not reconnect the transport']);
  });

  it('asks for a rebuild at once when the ICE restart itself fails', async () => {
    restartIce = () => Promise.reject(new Error('no such transport'));
    transport.set('failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(rebuilds).toEqual(['ICE restart failed']);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(rebuilds).toHaveLength(1);
  });

  it('stops watching once disposed', async () => {
    watchdog.dispose();
    transport.set('failed');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(restarts).toBe(0);
    expect(rebuilds).toEqual([]);
  });
});
