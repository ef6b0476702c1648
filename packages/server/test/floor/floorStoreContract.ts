import { afterEach, describe, expect, it } from 'vitest';
import type { FloorGrant, FloorStore } from '../../src/floor/FloorStore';
import { activeHandles, expectNoLeftovers, holder, nextEvent, record, waitFor } from './helpers';

export interface StoreFixture {
  /**
   * Opens `count` handles on one fresh, shared floor state: separate nodes for a shared store (Redis), the
   * same instance repeated for the in-process store.
   */
  nodes(count: number): Promise<FloorStore[]>;
}

/** Short enough to keep the suite fast, long enough for a loaded machine to renew in time. */
const TTL = 300;
/** How late an expiry may be announced. */
const EXPIRY_MARGIN = 1000;

/** The behaviour every FloorStore must have, run against each implementation. */
export function describeFloorStoreContract(name: string, fixture: StoreFixture): void {
  describe(`FloorStore contract: ${name}`, () => {
    const opened: FloorStore[] = [];
    async function nodes(count: number): Promise<FloorStore[]> {
      const stores = await fixture.nodes(count);
      opened.push(...stores);
      return stores;
    }
    async function node(): Promise<FloorStore> {
      const [store] = await nodes(1);
      if (store === undefined) throw new Error('fixture opened no store');
      return store;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('grants an idle channel and answers busy with the holder while it is taken', async () => {
      const store = await node();
      const first = await store.acquire('ch', holder(1), 10_000);
      expect(first.granted).toBe(true);
      if (!first.granted) return;
      expect(first.grant).toMatchObject({ channelId: 'ch', holder: holder(1) });
      expect(first.grant.expiresAt - first.grant.grantedAt).toBe(10_000);

      const second = await store.acquire('ch', holder(2), 10_000);
      expect(second).toEqual({ granted: false, current: first.grant });
      expect(await store.current('ch')).toEqual(first.grant);
      expect((await store.acquire('other', holder(2), 10_000)).granted).toBe(true);

      expect(await store.release('ch', first.grant.grantId)).toBe(true);
      expect(await store.current('ch')).toBeNull();
      const third = await store.acquire('ch', holder(2), 10_000);
      expect(third.granted && third.grant.holder.displayName).toBe('User 2');
    });

    it('gives every grant a fencing number larger than all earlier ones of the channel, on every node', async () => {
      const [a, b] = await nodes(2);
      if (a === undefined || b === undefined) throw new Error('fixture opened too few stores');
      const seenOnB: number[] = [];
      b.events.on('taken', (grant) => {
        if (grant.channelId === 'fenced') seenOnB.push(grant.fence);
      });
      const fences: number[] = [];
      for (let round = 0; round < 20; round += 1) {
        const store = round % 2 === 0 ? a : b;
        const result = await store.acquire('fenced', holder(round), 10_000);
        if (!result.granted) throw new Error('not granted');
        expect(Number.isSafeInteger(result.grant.fence)).toBe(true);
        // A rival's busy answer carries the same number; the store's current grant too.
        const rival = await (store === a ? b : a).acquire('fenced', holder(99), 10_000);
        expect(rival.granted === false && rival.current.fence).toBe(result.grant.fence);
        expect((await store.current('fenced'))?.fence).toBe(result.grant.fence);
        fences.push(result.grant.fence);
        await store.release('fenced', result.grant.grantId);
      }
      for (let index = 1; index < fences.length; index += 1) {
        expect(fences[index]).toBeGreaterThan(fences[index - 1]!);
      }
      await waitFor(() => seenOnB.length === fences.length, 'every grant announced on the other node');
      expect(seenOnB).toEqual(fences);
      // Channels count on their own, and a new channel still starts above zero.
      const other = await a.acquire('another-channel', holder(1), 10_000);
      expect(other.granted && other.grant.fence).toBeGreaterThan(0);
    });

    it('lets only the owner renew or release', async () => {
      const store = await node();
      const result = await store.acquire('ch', holder(1), 10_000);
      if (!result.granted) throw new Error('not granted');
      const { grant } = result;

      expect(await store.renew('ch', 'someone-else', 10_000)).toBeNull();
      expect(await store.release('ch', 'someone-else')).toBe(false);
      expect(await store.renew('other', grant.grantId, 10_000)).toBeNull();
      expect(await store.current('ch')).toEqual(grant);

      const renewed = await store.renew('ch', grant.grantId, 20_000);
      expect(renewed).toMatchObject({
        grantId: grant.grantId,
        holder: grant.holder,
        grantedAt: grant.grantedAt,
      });
      expect(renewed?.expiresAt).toBeGreaterThanOrEqual(grant.grantedAt + 20_000);
      expect((await store.current('ch'))?.expiresAt).toBe(renewed?.expiresAt);

      expect(await store.release('ch', grant.grantId)).toBe(true);
      expect(await store.release('ch', grant.grantId)).toBe(false);
      expect(await store.renew('ch', grant.grantId, 10_000)).toBeNull();
    });

    it(`announces an expired lock as idle within the TTL plus ${EXPIRY_MARGIN} ms`, async () => {
      const store = await node();
      const idle = nextEvent(store.events, 'idle', (event) => event.channelId === 'ch');
      const started = Date.now();
      const result = await store.acquire('ch', holder(1), TTL);
      if (!result.granted) throw new Error('not granted');
      const [event] = await idle;
      const elapsed = Date.now() - started;
      expect(event).toEqual({ channelId: 'ch', grantId: result.grant.grantId, reason: 'expired' });
      expect(elapsed).toBeGreaterThanOrEqual(TTL - 10);
      expect(elapsed).toBeLessThanOrEqual(TTL + EXPIRY_MARGIN);
      expect(await store.current('ch')).toBeNull();
      expect((await store.acquire('ch', holder(2), TTL)).granted).toBe(true);
    });

    it('keeps a renewed lock beyond its TTL, then expires it once renewals stop', async () => {
      const store = await node();
      const idle = record(store.events, 'idle');
      const result = await store.acquire('ch', holder(1), TTL);
      if (!result.granted) throw new Error('not granted');
      const until = Date.now() + 3 * TTL;
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, TTL / 4));
        expect(await store.renew('ch', result.grant.grantId, TTL)).not.toBeNull();
      }
      expect(idle.events).toEqual([]);
      expect((await store.current('ch'))?.grantId).toBe(result.grant.grantId);
      await waitFor(() => idle.events.length > 0, 'the idle event', TTL + EXPIRY_MARGIN + 1000);
      expect(idle.events).toEqual([[{ channelId: 'ch', grantId: result.grant.grantId, reason: 'expired' }]]);
    });

    it('gives exactly one of 50 concurrent requests the floor, 200 rounds in a row', async () => {
      const [a, b] = await nodes(2);
      if (a === undefined || b === undefined) throw new Error('fixture opened too few stores');
      const takenA = record(a.events, 'taken');
      const takenB = record(b.events, 'taken');
      const winners: FloorGrant[] = [];
      for (let round = 0; round < 200; round += 1) {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, n) =>
            (n % 2 === 0 ? a : b).acquire(
              'busy-channel',
              holder(n, n % 2 === 0 ? 'node-a' : 'node-b'),
              10_000,
            ),
          ),
        );
        const granted = results.flatMap((result) => (result.granted ? [result.grant] : []));
        expect(granted).toHaveLength(1);
        const winner = granted[0];
        if (winner === undefined) return;
        winners.push(winner);
        for (const result of results) {
          if (result.granted) continue;
          expect(result.current.grantId).toBe(winner.grantId);
          expect(result.current.holder.displayName).toBe(winner.holder.displayName);
        }
        const owner = winner.holder.nodeId === 'node-a' ? a : b;
        expect(await owner.release('busy-channel', winner.grantId)).toBe(true);
      }
      const winnerIds = winners.map((grant) => grant.grantId);
      await waitFor(
        () => takenA.events.length >= 200 && takenB.events.length >= 200,
        'every node to see every grant',
      );
      expect(takenA.events.map(([grant]) => grant.grantId)).toEqual(winnerIds);
      expect(takenB.events.map(([grant]) => grant.grantId)).toEqual(winnerIds);
    });

    it('pre-empts a lower-priority holder atomically, and answers busy to equal or lower priority', async () => {
      const [a, b] = await nodes(2);
      if (a === undefined || b === undefined) throw new Error('fixture opened too few stores');
      const general = { ...holder(1, 'node-a'), priority: 1 };
      const otherGeneral = { ...holder(2, 'node-b'), priority: 1 };
      const dispatcher = { ...holder(3, 'node-b'), priority: 2 };
      const first = await a.acquire('ch', general, 10_000);
      if (!first.granted) throw new Error('not granted');
      expect(await b.acquire('ch', otherGeneral, 10_000)).toEqual({ granted: false, current: first.grant });

      const seenOnA: string[] = [];
      const idleOnA = nextEvent(a.events, 'idle', (event) => event.grantId === first.grant.grantId);
      a.events.on('idle', (event) => seenOnA.push(`idle ${event.grantId}`));
      a.events.on('taken', (grant) => seenOnA.push(`taken ${grant.grantId}`));
      const second = await b.acquire('ch', dispatcher, 10_000);
      expect(second.granted).toBe(true);
      if (!second.granted) return;
      expect(second.preempted).toEqual(first.grant);
      expect(second.grant.holder).toEqual(dispatcher);
      expect(second.grant.fence).toBeGreaterThan(first.grant.fence);
      expect(await b.current('ch')).toEqual(second.grant);
      expect((await idleOnA)[0]).toEqual({
        channelId: 'ch',
        grantId: first.grant.grantId,
        reason: 'released',
        revokeReason: 'preempted',
        preemptedBy: { userId: 'user-3', displayName: 'User 3' },
      });
      await waitFor(() => seenOnA.length >= 2, 'node A to see the new grant');
      // Every node sees the old grant end before the new one starts.
      expect(seenOnA).toEqual([`idle ${first.grant.grantId}`, `taken ${second.grant.grantId}`]);
      // The old owner can neither renew nor release any more; equal priority does not pre-empt.
      expect(await a.renew('ch', first.grant.grantId, 10_000)).toBeNull();
      expect(await a.release('ch', first.grant.grantId)).toBe(false);
      expect(await a.acquire('ch', { ...holder(4), priority: 2 }, 10_000)).toEqual({
        granted: false,
        current: second.grant,
      });
      expect(await a.acquire('ch', general, 10_000)).toEqual({ granted: false, current: second.grant });
    });

    it('among concurrent presses of mixed priority, the highest wins and is never pre-empted by a lower one', async () => {
      const [a, b] = await nodes(2);
      if (a === undefined || b === undefined) throw new Error('fixture opened too few stores');
      for (let round = 0; round < 100; round += 1) {
        const channelId = `mixed-${round}`;
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, n) =>
            (n % 2 === 0 ? a : b).acquire(
              channelId,
              { ...holder(n, n % 2 === 0 ? 'node-a' : 'node-b'), priority: n % 3 },
              10_000,
            ),
          ),
        );
        const current = await a.current(channelId);
        expect(current?.holder.priority).toBe(2);
        // Whatever the order, the last grant standing is the one the store holds, and no denied press names a
        // holder of lower priority than its own.
        for (const [n, result] of results.entries()) {
          if (!result.granted) expect(result.current.holder.priority ?? 0).toBeGreaterThanOrEqual(n % 3);
        }
      }
    });

    it('tells every node about grants, releases and expiries', async () => {
      const [a, b] = await nodes(2);
      if (a === undefined || b === undefined) throw new Error('fixture opened too few stores');
      const takenOnB = nextEvent(b.events, 'taken', (grant) => grant.channelId === 'ch');
      const result = await a.acquire('ch', holder(1), 10_000);
      if (!result.granted) throw new Error('not granted');
      expect((await takenOnB)[0]).toEqual(result.grant);

      const idleOnA = nextEvent(a.events, 'idle', (event) => event.channelId === 'ch');
      const idleOnB = nextEvent(b.events, 'idle', (event) => event.channelId === 'ch');
      await a.release('ch', result.grant.grantId, { revokeReason: 'removed_from_channel' });
      const released = {
        channelId: 'ch',
        grantId: result.grant.grantId,
        reason: 'released',
        revokeReason: 'removed_from_channel',
      };
      expect((await idleOnA)[0]).toEqual(released);
      expect((await idleOnB)[0]).toEqual(released);

      const expiredOnA = nextEvent(a.events, 'idle', (event) => event.channelId === 'short');
      const expiredOnB = nextEvent(b.events, 'idle', (event) => event.channelId === 'short');
      const short = await b.acquire('short', holder(2), TTL);
      if (!short.granted) throw new Error('not granted');
      const expired = { channelId: 'short', grantId: short.grant.grantId, reason: 'expired' };
      expect((await expiredOnA)[0]).toEqual(expired);
      expect((await expiredOnB)[0]).toEqual(expired);
    });

    it('leaves no timers or connections behind after close, and refuses calls afterwards', async () => {
      const baseline = activeHandles();
      const stores = await fixture.nodes(2);
      for (const [n, store] of stores.entries()) {
        await store.acquire(`ch-${n}`, holder(n), 60_000);
        await store.acquire(`short-${n}`, holder(n), TTL);
      }
      await Promise.all(stores.map((store) => store.close()));
      await Promise.all(stores.map((store) => store.close())); // idempotent
      await expectNoLeftovers(baseline);
      const [store] = stores;
      await expect(store?.acquire('ch', holder(9), TTL)).rejects.toMatchObject({ code: 'unavailable' });
      await expect(store?.current('ch')).rejects.toMatchObject({ code: 'unavailable' });
      expect(store?.isHealthy()).toBe(false);
    });
  });
}
