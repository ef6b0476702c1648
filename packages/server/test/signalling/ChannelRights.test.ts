import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccessPolicy } from '../../src/signalling/AccessPolicy';
import { ChannelRights } from '../../src/signalling/ChannelRights';
import { describeOnBackends } from '../controlplane/helpers/backends';
import { openHarness, type Harness } from '../controlplane/helpers/harness';
import { buildWorld, type World } from '../controlplane/helpers/world';

/**
 * The real control plane as an access policy, counting database look-ups; `hold()` makes the next look-up
 * wait (after reading the database) until the returned function is called, to place a removal inside it.
 */
function countingPolicy(h: Harness) {
  let lookups = 0;
  let gate: Promise<void> | undefined;
  const waitGate = async (): Promise<void> => {
    const current = gate;
    gate = undefined;
    await current;
  };
  const policy: AccessPolicy = {
    verifyToken: (token) => h.cp.verifyAccessToken(token),
    async canUseChannel(userId, channelId) {
      lookups += 1;
      const answer = await h.cp.canUseChannel(userId, channelId);
      await waitGate();
      return answer;
    },
    async channelsOf(userIds) {
      lookups += 1;
      const answer = await h.cp.channelsOf(userIds);
      await waitGate();
      return answer;
    },
    onAccessRemoved: () => () => undefined,
    onRemovalsMissed: () => () => undefined,
  };
  return {
    policy,
    get lookups() {
      return lookups;
    },
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return open;
    },
  };
}

describeOnBackends('channel rights in memory', (backend) => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase());
    w = await buildWorld(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function assignedGeneral(channels = 2) {
    const user = await w.createUser();
    await w.setRole(w.eventA, user.id, 'general');
    const ids: string[] = [];
    for (let index = 0; index < channels; index += 1) {
      const channel = await w.createChannel(w.teamA);
      await w.assign(channel, user.id);
      ids.push(channel);
    }
    return { userId: user.id, channels: ids };
  }

  it('answers for loaded channels without asking the database again', async () => {
    const { userId, channels } = await assignedGeneral();
    const counting = countingPolicy(h);
    const rights = new ChannelRights(counting.policy);
    await rights.load(userId);
    expect(counting.lookups).toBe(1);
    for (let round = 0; round < 100; round += 1) {
      for (const channel of channels) expect(await rights.allows(userId, channel)).toBe(true);
    }
    expect(counting.lookups).toBe(1);
  });

  it('looks up a channel assigned after the load once, then keeps it', async () => {
    const { userId } = await assignedGeneral(1);
    const counting = countingPolicy(h);
    const rights = new ChannelRights(counting.policy);
    await rights.load(userId);
    const later = await w.createChannel(w.teamA);
    expect(await rights.allows(userId, later)).toBe(false);
    await w.assign(later, userId);
    expect(await rights.allows(userId, later)).toBe(true);
    const before = counting.lookups;
    expect(await rights.allows(userId, later)).toBe(true);
    expect(counting.lookups).toBe(before);
  });

  it('forgets a removed channel at once and then asks the database', async () => {
    const { userId, channels } = await assignedGeneral();
    const [kept, removed] = channels as [string, string];
    const rights = new ChannelRights(countingPolicy(h).policy);
    await rights.load(userId);
    await w.asAdmin({ method: 'DELETE', url: `/api/channels/${removed}/members/${userId}` });
    // Before the bus message, memory still says yes (this is the window reconciliation covers).
    expect(await rights.allows(userId, removed)).toBe(true);
    rights.removed({ kind: 'channel', userId, channelId: removed, reason: 'unassigned' });
    expect(await rights.allows(userId, removed)).toBe(false);
    expect(await rights.allows(userId, kept)).toBe(true);
    rights.removed({ kind: 'user', userId, reason: 'user_disabled' });
    // Memory is empty; the database still has `kept` (the user was not really disabled here).
    expect(await rights.allows(userId, kept)).toBe(true);
  });

  it('a removal arriving during the load is not undone by the load', async () => {
    const { userId, channels } = await assignedGeneral();
    const [kept, removed] = channels as [string, string];
    const counting = countingPolicy(h);
    const rights = new ChannelRights(counting.policy);
    const open = counting.hold();
    const loading = rights.load(userId);
    // The load has read the database (both channels); now the removal is committed and announced.
    await w.asAdmin({ method: 'DELETE', url: `/api/channels/${removed}/members/${userId}` });
    rights.removed({ kind: 'channel', userId, channelId: removed, reason: 'unassigned' });
    open();
    await loading;
    expect(counting.lookups).toBe(2);
    const before = counting.lookups;
    expect(await rights.allows(userId, kept)).toBe(true);
    expect(counting.lookups).toBe(before);
    expect(await rights.allows(userId, removed)).toBe(false);
  });

  it('reconciliation replaces memory, except for a user whose memory changed during the look-up', async () => {
    const a = await assignedGeneral();
    const b = await assignedGeneral();
    const counting = countingPolicy(h);
    const rights = new ChannelRights(counting.policy);
    await rights.load(a.userId);
    await rights.load(b.userId);
    await w.asAdmin({ method: 'DELETE', url: `/api/channels/${a.channels[0]}/members/${a.userId}` });
    await w.asAdmin({ method: 'DELETE', url: `/api/channels/${b.channels[0]}/members/${b.userId}` });
    const open = counting.hold();
    const refreshing = rights.refresh([a.userId, b.userId]);
    rights.removed({ kind: 'channel', userId: b.userId, channelId: b.channels[1]!, reason: 'unassigned' });
    open();
    const fresh = await refreshing;
    expect([...fresh.keys()]).toEqual([a.userId]);
    expect([...fresh.get(a.userId)!]).toEqual([a.channels[1]]);
    const before = counting.lookups;
    expect(await rights.allows(a.userId, a.channels[1]!)).toBe(true);
    expect(counting.lookups).toBe(before);
    expect(await rights.allows(a.userId, a.channels[0]!)).toBe(false);
  });

  it('channelsOf answers for several users in one look-up, as canUseChannel does one by one', async () => {
    const a = await assignedGeneral();
    const users = [a.userId, w.users.dispatchA.id, w.users.general.id, w.users.admin.id];
    const fresh = await h.cp.channelsOf([...users, 'not-a-user']);
    expect(fresh.get('not-a-user')).toEqual(new Set());
    for (const userId of users) {
      for (const channel of [...a.channels, w.channelA1, w.channelA2, w.channelB1]) {
        expect(fresh.get(userId)?.has(channel)).toBe(await h.cp.canUseChannel(userId, channel));
      }
    }
  });
});
