import { afterEach, describe, expect, it } from 'vitest';
import { FloorService } from '../../src/floor/FloorService';
import type { FloorRequester } from '../../src/floor/FloorService';
import type { FloorStore } from '../../src/floor/FloorStore';
import type { StoreFixture } from './floorStoreContract';
import { activeHandles, expectNoLeftovers, nextEvent, record, silentLogger } from './helpers';

function requester(n: number): FloorRequester {
  return { userId: `user-${n}`, displayName: `User ${n}`, sessionId: `session-${n}` };
}

/** FloorService behaviour on top of a store; two services on one fixture act as two server nodes. */
export function describeFloorService(name: string, fixture: StoreFixture): void {
  describe(`FloorService on ${name}`, () => {
    const services: FloorService[] = [];
    const stores: FloorStore[] = [];
    afterEach(async () => {
      await Promise.all(services.splice(0).map((service) => service.close()));
      await Promise.all(stores.splice(0).map((store) => store.close()));
    });

    async function nodes(
      count: number,
      timing: { ttlMs?: number; maxDurationMs?: number } = {},
    ): Promise<FloorService[]> {
      const opened = await fixture.nodes(count);
      stores.push(...opened);
      const created = opened.map(
        (store, n) => new FloorService({ store, nodeId: `node-${n}`, logger: silentLogger, ...timing }),
      );
      services.push(...created);
      return created;
    }
    async function node(timing: { ttlMs?: number; maxDurationMs?: number } = {}): Promise<FloorService> {
      const [service] = await nodes(1, timing);
      if (service === undefined) throw new Error('no service');
      return service;
    }
    async function granted(service: FloorService, channelId: string, n: number) {
      const outcome = await service.request(channelId, requester(n));
      if (!outcome.granted) throw new Error(`request of user ${n} on ${channelId} was not granted`);
      return outcome.grant;
    }

    it('grants, answers busy with the holder, and gives a holder its own grant again', async () => {
      const service = await node();
      const taken = nextEvent(service.events, 'taken', (grant) => grant.channelId === 'ch');
      const grant = await granted(service, 'ch', 1);
      expect(grant.holder).toEqual({ ...requester(1), nodeId: 'node-0' });
      expect(grant.expiresAt - grant.grantedAt).toBe(service.ttlMs);
      expect((await taken)[0]).toEqual(grant);

      expect(await service.request('ch', requester(2))).toEqual({
        granted: false,
        reason: 'busy',
        current: grant,
      });
      expect(await service.request('ch', requester(1))).toEqual({ granted: true, grant });
      const otherTab = { ...requester(1), sessionId: 'session-1b' };
      expect(await service.request('ch', otherTab)).toMatchObject({ granted: false, reason: 'busy' });
      expect(service.grantOf('ch', 'session-1')).toEqual(grant);

      const idle = nextEvent(service.events, 'idle', (event) => event.channelId === 'ch');
      expect(await service.release('ch', grant.grantId)).toBe(true);
      expect((await idle)[0]).toEqual({ channelId: 'ch', grantId: grant.grantId, reason: 'released' });
      expect(await service.current('ch')).toBeNull();
      expect(service.localGrants()).toEqual([]);
    });

    it('keeps the floor beyond the TTL while heartbeats arrive', async () => {
      const service = await node({ ttlMs: 400 });
      const revoked = record(service.events, 'revoked');
      const idle = record(service.events, 'idle');
      const grant = await granted(service, 'ch', 1);
      const until = Date.now() + 1200;
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const renewed = await service.heartbeat('ch', grant.grantId);
        expect(renewed?.grantId).toBe(grant.grantId);
      }
      expect(revoked.events).toEqual([]);
      expect(idle.events).toEqual([]);
      expect((await service.current('ch'))?.grantId).toBe(grant.grantId);
    });

    it("revokes a holder whose heartbeats stop, with reason 'expired'", async () => {
      const service = await node({ ttlMs: 300 });
      const revoked = nextEvent(service.events, 'revoked');
      const idle = nextEvent(service.events, 'idle');
      const grant = await granted(service, 'ch', 1);
      expect((await revoked)[0]).toEqual({ grant, reason: 'expired' });
      expect((await idle)[0]).toMatchObject({ channelId: 'ch', grantId: grant.grantId, reason: 'expired' });
      expect(await service.heartbeat('ch', grant.grantId)).toBeNull();
      expect(await service.current('ch')).toBeNull();
      expect(service.localGrants()).toEqual([]);
    });

    it('revokes at the maximum talk time even while heartbeats keep the lock', async () => {
      const service = await node({ ttlMs: 10_000, maxDurationMs: 500 });
      const revoked = nextEvent(service.events, 'revoked');
      const idle = nextEvent(service.events, 'idle');
      const grant = await granted(service, 'ch', 1);
      expect(await service.heartbeat('ch', grant.grantId)).not.toBeNull();
      const [event] = await revoked;
      expect([event.grant.grantId, event.reason]).toEqual([grant.grantId, 'max_duration']);
      expect(Date.now() - grant.grantedAt).toBeGreaterThanOrEqual(490);
      expect((await idle)[0]).toMatchObject({ grantId: grant.grantId, reason: 'released' });
      expect(await service.heartbeat('ch', grant.grantId)).toBeNull();
      expect(await service.current('ch')).toBeNull();
    });

    it('releases every grant of a closed session at once', async () => {
      const service = await node();
      const mine = [await granted(service, 'ch-a', 1), await granted(service, 'ch-b', 1)];
      const other = await granted(service, 'ch-c', 2);
      const revoked = record(service.events, 'revoked');
      const idle = record(service.events, 'idle');

      await service.releaseSession('session-1', 'disconnected');
      expect(revoked.events.map(([event]) => [event.grant.channelId, event.reason]).sort()).toEqual([
        ['ch-a', 'disconnected'],
        ['ch-b', 'disconnected'],
      ]);
      expect(idle.events.map(([event]) => event.grantId).sort()).toEqual(mine.map((g) => g.grantId).sort());
      expect(await service.current('ch-a')).toBeNull();
      expect(await service.current('ch-b')).toBeNull();
      expect(await service.current('ch-c')).toEqual(other);
      expect(service.localGrants()).toEqual([other]);
    });

    it('revokes a user removed from the channel', async () => {
      const service = await node();
      const grant = await granted(service, 'ch', 1);
      const revoked = nextEvent(service.events, 'revoked');
      const idle = nextEvent(service.events, 'idle');
      await service.revoke('ch', 'user-2', 'removed_from_channel'); // not the holder: nothing happens
      expect(await service.current('ch')).toEqual(grant);
      await service.revoke('ch', 'user-1', 'removed_from_channel');
      expect((await revoked)[0]).toEqual({ grant, reason: 'removed_from_channel' });
      expect((await idle)[0]).toMatchObject({ grantId: grant.grantId, revokeReason: 'removed_from_channel' });
      expect(await service.current('ch')).toBeNull();
      expect(await service.heartbeat('ch', grant.grantId)).toBeNull();
    });

    it('shares grants across nodes and revokes a holder through another node', async () => {
      const [a, b] = await nodes(2);
      if (a === undefined || b === undefined) throw new Error('no services');
      const takenOnB = nextEvent(b.events, 'taken', (grant) => grant.channelId === 'ch');
      const grant = await granted(a, 'ch', 1);
      expect((await takenOnB)[0]).toEqual(grant);
      expect(await b.request('ch', requester(2))).toEqual({ granted: false, reason: 'busy', current: grant });

      const revokedOnA = nextEvent(a.events, 'revoked');
      const idleOnB = nextEvent(b.events, 'idle', (event) => event.grantId === grant.grantId);
      await b.revoke('ch', 'user-1', 'removed_from_channel');
      expect((await revokedOnA)[0]).toEqual({ grant, reason: 'removed_from_channel' });
      await idleOnB;
      expect(a.localGrants()).toEqual([]);
      expect((await b.request('ch', requester(2))).granted).toBe(true);
    });

    it('lets a higher priority on another node pre-empt a holder, who is revoked with who cut in', async () => {
      const [a, b] = await nodes(2);
      if (a === undefined || b === undefined) throw new Error('no services');
      const grant = await a.request('ch', { ...requester(1), priority: 1 });
      if (!grant.granted) throw new Error('not granted');
      expect(await b.request('ch', { ...requester(2), priority: 1 })).toMatchObject({
        granted: false,
        reason: 'busy',
      });
      const revokedOnA = nextEvent(a.events, 'revoked');
      const takenOnA = nextEvent(a.events, 'taken', (taken) => taken.holder.userId === 'user-3');
      const dispatch = await b.request('ch', { ...requester(3), priority: 2 });
      expect(dispatch.granted).toBe(true);
      expect((await revokedOnA)[0]).toEqual({
        grant: grant.grant,
        reason: 'preempted',
        by: { userId: 'user-3', displayName: 'User 3' },
      });
      await takenOnA;
      expect(a.localGrants()).toEqual([]);
      expect(await a.heartbeat('ch', grant.grant.grantId)).toBeNull();
      // The pre-empted general user cannot take it back.
      expect(await a.request('ch', { ...requester(1), priority: 1 })).toMatchObject({
        granted: false,
        reason: 'busy',
      });
    });

    it('never leaves a press granted that was pre-empted before its answer came back', async () => {
      const service = await node();
      const revoked: unknown[] = [];
      service.events.on('revoked', (event) => revoked.push(event));
      // Sent together: the higher priority may take the channel before the lower one's grant is adopted.
      const [low, high] = await Promise.all([
        service.request('ch', { ...requester(1), priority: 1 }),
        service.request('ch', { ...requester(3), priority: 2 }),
      ]);
      expect(high.granted).toBe(true);
      if (low.granted) {
        // Adopted in time: then its holder is told it was pre-empted.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(revoked).toMatchObject([{ reason: 'preempted', by: { userId: 'user-3' } }]);
      } else {
        expect(low).toMatchObject({ reason: 'busy', current: { holder: { userId: 'user-3' } } });
      }
      expect(service.localGrants().map((grant) => grant.holder.userId)).toEqual(['user-3']);
    });

    it("releases this node's grants on close and leaves no timers", async () => {
      const [a, b] = await nodes(2, { ttlMs: 60_000, maxDurationMs: 60_000 });
      if (a === undefined || b === undefined) throw new Error('no services');
      const baseline = activeHandles();
      const grant = await granted(a, 'ch', 1);
      await granted(a, 'ch-2', 2);
      const idleOnB = nextEvent(b.events, 'idle', (event) => event.grantId === grant.grantId);
      await a.close();
      await a.close();
      await idleOnB;
      expect(await b.current('ch')).toBeNull();
      expect(await b.current('ch-2')).toBeNull();
      await expectNoLeftovers(baseline);
      expect(await a.request('ch', requester(1))).toMatchObject({ granted: false, reason: 'unavailable' });
    });

    it("answers 'unavailable' when the store cannot be reached", async () => {
      const service = await node();
      const [store] = stores;
      await store?.close();
      const outcome = await service.request('ch', requester(1));
      expect(outcome).toMatchObject({ granted: false, reason: 'unavailable' });
    });
  });
}
