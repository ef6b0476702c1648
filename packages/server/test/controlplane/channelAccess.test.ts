import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ControlPlaneEvents } from '../../src/controlplane/events';
import { describeOnBackends } from './helpers/backends';
import { openHarness, type Harness } from './helpers/harness';
import { buildWorld, type World } from './helpers/world';

type Removal = ControlPlaneEvents['channelAccessRemoved'][0];

describeOnBackends('channel access for the signalling layer', (backend) => {
  let h: Harness;
  let w: World;
  let removals: Removal[] = [];
  let disabled: string[] = [];

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase());
    w = await buildWorld(h);
    h.cp.events.on('channelAccessRemoved', (removal) => removals.push(removal));
    h.cp.events.on('userDisabled', ({ userId }) => disabled.push(userId));
  });
  afterEach(() => {
    removals = [];
    disabled = [];
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A general member of event A assigned to a new channel of team A. */
  async function assignedGeneral() {
    const user = await w.createUser();
    await w.setRole(w.eventA, user.id, 'general');
    const channel = await w.createChannel(w.teamA);
    await w.assign(channel, user.id);
    return { user, channel };
  }

  it('a General member may use assigned channels only', async () => {
    expect(await h.cp.canUseChannel(w.users.general.id, w.channelA1)).toBe(true);
    expect(await h.cp.canUseChannel(w.users.general.id, w.channelA2)).toBe(false);
    expect(await h.cp.canUseChannel(w.users.general.id, w.channelB1)).toBe(false);
  });

  it('a dispatcher may use every channel of their events and no other', async () => {
    expect(await h.cp.canUseChannel(w.users.dispatchA.id, w.channelA1)).toBe(true);
    expect(await h.cp.canUseChannel(w.users.dispatchA.id, w.channelA2)).toBe(true);
    expect(await h.cp.canUseChannel(w.users.dispatchA.id, w.channelB1)).toBe(false);
    const channel = await w.createChannel(w.teamA);
    expect(await h.cp.canUseChannel(w.users.dispatchA.id, channel)).toBe(true);
  });

  it('an admin may use every channel', async () => {
    for (const channel of [w.channelA1, w.channelA2, w.channelB1]) {
      expect(await h.cp.canUseChannel(w.users.admin.id, channel)).toBe(true);
    }
  });

  it('unknown or malformed ids are simply not usable', async () => {
    expect(await h.cp.canUseChannel(w.users.admin.id, 'not-a-channel')).toBe(false);
    expect(await h.cp.canUseChannel('nobody', w.channelA1)).toBe(false);
    expect(await h.cp.canUseChannel(w.users.admin.id, '00000000-0000-4000-8000-000000000000')).toBe(false);
  });

  it('unassigning removes access at once and announces it', async () => {
    const { user, channel } = await assignedGeneral();
    expect(await h.cp.canUseChannel(user.id, channel)).toBe(true);
    const response = await h.request({
      method: 'DELETE',
      url: `/api/channels/${channel}/members/${user.id}`,
      token: w.tokens.dispatchA,
    });
    expect(response.statusCode).toBe(204);
    expect(await h.cp.canUseChannel(user.id, channel)).toBe(false);
    expect(removals).toEqual([{ userId: user.id, channelId: channel, reason: 'unassigned' }]);
  });

  it('unassigning a dispatcher announces nothing: they still reach every channel of the event', async () => {
    const channel = await w.createChannel(w.teamA);
    await w.assign(channel, w.users.dispatchA.id);
    await w.asAdmin({ method: 'DELETE', url: `/api/channels/${channel}/members/${w.users.dispatchA.id}` });
    expect(await h.cp.canUseChannel(w.users.dispatchA.id, channel)).toBe(true);
    expect(removals).toEqual([]);
  });

  it('demoting a dispatcher to General removes the channels they are not assigned to', async () => {
    const user = await w.createUser();
    await w.setRole(w.eventA, user.id, 'dispatch');
    await w.assign(w.channelA1, user.id);
    await w.setRole(w.eventA, user.id, 'general');
    expect(await h.cp.canUseChannel(user.id, w.channelA1)).toBe(true);
    expect(await h.cp.canUseChannel(user.id, w.channelA2)).toBe(false);
    const lost = removals.filter((r) => r.userId === user.id);
    expect(lost.map((r) => r.channelId)).toContain(w.channelA2);
    expect(lost.map((r) => r.channelId)).not.toContain(w.channelA1);
    expect(lost.every((r) => r.reason === 'role_changed')).toBe(true);
  });

  it('removing the event membership removes the assignments too', async () => {
    const { user, channel } = await assignedGeneral();
    await w.asAdmin({ method: 'DELETE', url: `/api/events/${w.eventA}/members/${user.id}` });
    expect(await h.cp.canUseChannel(user.id, channel)).toBe(false);
    expect(removals).toEqual([{ userId: user.id, channelId: channel, reason: 'membership_removed' }]);
    // Adding them back does not bring the old assignment back.
    await w.setRole(w.eventA, user.id, 'general');
    expect(await h.cp.canUseChannel(user.id, channel)).toBe(false);
  });

  it('deleting a channel announces the loss to everyone who could use it', async () => {
    const { user, channel } = await assignedGeneral();
    await w.asAdmin({ method: 'DELETE', url: `/api/channels/${channel}` });
    const users = removals.filter((r) => r.channelId === channel).map((r) => r.userId);
    expect(users).toEqual(expect.arrayContaining([user.id, w.users.dispatchA.id, w.users.admin.id]));
    expect(users).not.toContain(w.users.dispatchB.id);
    expect(removals.every((r) => r.reason === 'channel_deleted')).toBe(true);
  });

  it('deleting a team or an event announces the loss of their channels', async () => {
    const team = await w.createTeam(w.eventA);
    const channel = await w.createChannel(team);
    await w.asAdmin({ method: 'DELETE', url: `/api/teams/${team}` });
    expect(
      removals.filter((r) => r.channelId === channel && r.reason === 'team_deleted').length,
    ).toBeGreaterThan(0);

    removals = [];
    const event = await w.createEvent();
    const eventTeam = await w.createTeam(event);
    const eventChannel = await w.createChannel(eventTeam);
    await w.assign(eventChannel, w.users.general.id);
    await w.asAdmin({ method: 'DELETE', url: `/api/events/${event}` });
    expect(removals).toEqual(
      expect.arrayContaining([
        { userId: w.users.general.id, channelId: eventChannel, reason: 'event_deleted' },
      ]),
    );
  });

  it('disabling a user announces it and removes all their access', async () => {
    const { user, channel } = await assignedGeneral();
    await w.asAdmin({ method: 'PATCH', url: `/api/users/${user.id}`, payload: { disabled: true } });
    expect(disabled).toEqual([user.id]);
    expect(removals).toEqual([{ userId: user.id, channelId: channel, reason: 'user_disabled' }]);
    expect(await h.cp.canUseChannel(user.id, channel)).toBe(false);
    // Enabling again restores the assignment.
    await w.asAdmin({ method: 'PATCH', url: `/api/users/${user.id}`, payload: { disabled: false } });
    expect(await h.cp.canUseChannel(user.id, channel)).toBe(true);
  });

  it('revoking the admin role removes the channels the user has no other way to reach', async () => {
    const user = await w.createUser({ isAdmin: true });
    expect(await h.cp.canUseChannel(user.id, w.channelB1)).toBe(true);
    await w.asAdmin({ method: 'PATCH', url: `/api/users/${user.id}`, payload: { isAdmin: false } });
    expect(await h.cp.canUseChannel(user.id, w.channelB1)).toBe(false);
    expect(removals).toEqual(
      expect.arrayContaining([{ userId: user.id, channelId: w.channelB1, reason: 'admin_revoked' }]),
    );
  });

  it('a listener that throws does not break the API call', async () => {
    const { user, channel } = await assignedGeneral();
    const thrower = () => {
      throw new Error('listener failure');
    };
    h.cp.events.on('channelAccessRemoved', thrower);
    try {
      const response = await h.request({
        method: 'DELETE',
        url: `/api/channels/${channel}/members/${user.id}`,
        token: w.tokens.admin,
      });
      expect(response.statusCode).toBe(204);
      expect(removals).toHaveLength(1);
    } finally {
      h.cp.events.off('channelAccessRemoved', thrower);
    }
  });
});
