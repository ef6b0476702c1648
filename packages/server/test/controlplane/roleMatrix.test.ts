import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends } from './helpers/backends';
import { openHarness, unique, type Harness } from './helpers/harness';
import { actorNames, buildWorld, type ActorName, type World } from './helpers/world';

type Caller = ActorName | 'anonymous';

/** One API action: which signed-in roles may do it, and how to build a fresh request for it. */
interface Action {
  name: string;
  allowed: readonly ActorName[];
  /** Status of success. */
  status: number;
  request(w: World): InjectOptions | Promise<InjectOptions>;
  /** Refused callers to whom the target does not exist (not members of its event): 404, not 403. */
  hiddenFrom?: readonly ActorName[];
}

const ADMIN_ONLY: readonly ActorName[] = ['admin'];
const MANAGERS: readonly ActorName[] = ['admin', 'dispatchA'];
const EVERYONE: readonly ActorName[] = ['admin', 'dispatchA', 'dispatchB', 'general'];
/** Members of neither event A's teams nor channels: event A's resources are invisible to them. */
const OUTSIDERS: readonly ActorName[] = ['dispatchB'];

const actions: Action[] = [
  // Events
  {
    name: 'list events',
    allowed: EVERYONE,
    status: 200,
    request: () => ({ method: 'GET', url: '/api/events' }),
  },
  {
    name: 'create event',
    allowed: ADMIN_ONLY,
    status: 201,
    request: () => ({ method: 'POST', url: '/api/events', payload: { name: unique('Event') } }),
  },
  {
    name: 'read event',
    hiddenFrom: OUTSIDERS,
    allowed: ['admin', 'dispatchA', 'general'],
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/events/${w.eventA}` }),
  },
  {
    name: 'update event',
    allowed: ADMIN_ONLY,
    status: 200,
    request: async (w) => ({
      method: 'PATCH',
      url: `/api/events/${await w.createEvent()}`,
      payload: { description: 'changed' },
    }),
  },
  {
    name: 'delete event',
    allowed: ADMIN_ONLY,
    status: 204,
    request: async (w) => ({ method: 'DELETE', url: `/api/events/${await w.createEvent()}` }),
  },
  // Event membership and roles
  {
    name: 'list event members',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/events/${w.eventA}/members` }),
  },
  {
    name: 'add event member',
    allowed: ADMIN_ONLY,
    status: 204,
    request: async (w) => ({
      method: 'PUT',
      url: `/api/events/${w.eventA}/members/${(await w.createUser()).id}`,
      payload: { role: 'general' },
    }),
  },
  {
    name: 'change event role',
    allowed: ADMIN_ONLY,
    status: 204,
    request: async (w) => {
      const user = await w.createUser();
      await w.setRole(w.eventA, user.id, 'general');
      return {
        method: 'PUT',
        url: `/api/events/${w.eventA}/members/${user.id}`,
        payload: { role: 'dispatch' },
      };
    },
  },
  {
    name: 'remove event member',
    allowed: ADMIN_ONLY,
    status: 204,
    request: async (w) => {
      const user = await w.createUser();
      await w.setRole(w.eventA, user.id, 'general');
      return { method: 'DELETE', url: `/api/events/${w.eventA}/members/${user.id}` };
    },
  },
  // Teams
  {
    name: 'list teams',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/events/${w.eventA}/teams` }),
  },
  {
    name: 'create team',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 201,
    request: (w) => ({
      method: 'POST',
      url: `/api/events/${w.eventA}/teams`,
      payload: { name: unique('Team') },
    }),
  },
  {
    name: 'rename team',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 200,
    request: async (w) => ({
      method: 'PATCH',
      url: `/api/teams/${await w.createTeam(w.eventA)}`,
      payload: { name: unique('Team') },
    }),
  },
  {
    name: 'delete team',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 204,
    request: async (w) => ({ method: 'DELETE', url: `/api/teams/${await w.createTeam(w.eventA)}` }),
  },
  // Channels
  {
    name: 'list channels',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/teams/${w.teamA}/channels` }),
  },
  {
    name: 'create channel',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 201,
    request: (w) => ({
      method: 'POST',
      url: `/api/teams/${w.teamA}/channels`,
      payload: { name: unique('Channel') },
    }),
  },
  {
    name: 'read assigned channel',
    allowed: ['admin', 'dispatchA', 'general'],
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/channels/${w.channelA1}` }),
  },
  {
    name: 'read unassigned channel',
    allowed: MANAGERS,
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/channels/${w.channelA2}` }),
  },
  {
    name: 'rename channel',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 200,
    request: async (w) => ({
      method: 'PATCH',
      url: `/api/channels/${await w.createChannel(w.teamA)}`,
      payload: { name: unique('Channel') },
    }),
  },
  {
    name: 'delete channel',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 204,
    request: async (w) => ({ method: 'DELETE', url: `/api/channels/${await w.createChannel(w.teamA)}` }),
  },
  // Channel assignments
  {
    name: 'list channel members',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/channels/${w.channelA1}/members` }),
  },
  {
    name: 'assign user to channel',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 204,
    request: async (w) => ({
      method: 'PUT',
      url: `/api/channels/${await w.createChannel(w.teamA)}/members/${w.users.general.id}`,
    }),
  },
  {
    name: 'unassign user from channel',
    hiddenFrom: OUTSIDERS,
    allowed: MANAGERS,
    status: 204,
    request: async (w) => {
      const channel = await w.createChannel(w.teamA);
      await w.assign(channel, w.users.general.id);
      return { method: 'DELETE', url: `/api/channels/${channel}/members/${w.users.general.id}` };
    },
  },
  // Users
  {
    name: 'list users',
    allowed: ADMIN_ONLY,
    status: 200,
    request: () => ({ method: 'GET', url: '/api/users' }),
  },
  {
    name: 'create user',
    allowed: ADMIN_ONLY,
    status: 201,
    request: () => {
      const name = unique('New');
      return {
        method: 'POST',
        url: '/api/users',
        payload: {
          email: `${name.replace(' ', '')}@test.example`,
          displayName: name,
          password: 'long-enough-1',
        },
      };
    },
  },
  {
    name: 'read user',
    allowed: ADMIN_ONLY,
    status: 200,
    request: (w) => ({ method: 'GET', url: `/api/users/${w.users.general.id}` }),
  },
  {
    name: 'rename user',
    allowed: ADMIN_ONLY,
    status: 200,
    request: async (w) => ({
      method: 'PATCH',
      url: `/api/users/${(await w.createUser()).id}`,
      payload: { displayName: 'Renamed' },
    }),
  },
  {
    name: 'disable user',
    allowed: ADMIN_ONLY,
    status: 200,
    request: async (w) => ({
      method: 'PATCH',
      url: `/api/users/${(await w.createUser()).id}`,
      payload: { disabled: true },
    }),
  },
  {
    name: 'grant admin role',
    allowed: ADMIN_ONLY,
    status: 200,
    request: async (w) => ({
      method: 'PATCH',
      url: `/api/users/${(await w.createUser()).id}`,
      payload: { isAdmin: true },
    }),
  },
  {
    name: 'reset password',
    allowed: ADMIN_ONLY,
    status: 204,
    request: async (w) => ({
      method: 'POST',
      url: `/api/users/${(await w.createUser()).id}/password`,
      payload: { password: 'a-new-password' },
    }),
  },
  // Audit log and the signed-in user
  {
    name: 'read audit log',
    allowed: ADMIN_ONLY,
    status: 200,
    request: () => ({ method: 'GET', url: '/api/audit' }),
  },
  {
    name: 'read me',
    allowed: EVERYONE,
    status: 200,
    request: () => ({ method: 'GET', url: '/api/me' }),
  },
  {
    name: 'read my channels',
    allowed: EVERYONE,
    status: 200,
    request: () => ({ method: 'GET', url: '/api/me/channels' }),
  },
];

const callers: readonly Caller[] = [...actorNames, 'anonymous'];

describeOnBackends('role × action matrix', (backend) => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase());
    w = await buildWorld(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const latestAudit = async () => {
    const response = await h.request({ method: 'GET', url: '/api/audit?limit=1', token: w.tokens.admin });
    return response.json<{ entries: { id: number; actorId: string | null }[] }>().entries[0];
  };

  for (const action of actions) {
    for (const caller of callers) {
      const allowed = caller !== 'anonymous' && action.allowed.includes(caller);
      const hidden = caller !== 'anonymous' && (action.hiddenFrom ?? []).includes(caller);
      const expected = allowed ? action.status : caller === 'anonymous' ? 401 : hidden ? 404 : 403;
      it(`${action.name} as ${caller} → ${expected}`, async () => {
        const options = await action.request(w);
        const auditBefore = await latestAudit();
        const response = await h.request({
          ...options,
          ...(caller !== 'anonymous' ? { token: w.tokens[caller] } : {}),
        });
        expect(response.statusCode, response.body).toBe(expected);
        // Every administrative write is audited, with its actor; reads and refusals leave no entry.
        const auditAfter = await latestAudit();
        if (allowed && options.method !== 'GET') {
          expect(auditAfter?.id).toBeGreaterThan(auditBefore?.id ?? 0);
          expect(auditAfter?.actorId).toBe(w.users[caller].id);
        } else {
          expect(auditAfter?.id).toBe(auditBefore?.id);
        }
        if (!allowed) {
          const code = caller === 'anonymous' ? 'not_authenticated' : hidden ? 'not_found' : 'forbidden';
          expect(response.json()).toMatchObject({ error: { code, message: expect.any(String) as unknown } });
        }
      });
    }
  }

  it('refused writes change nothing: a dispatcher of another event cannot rename a team', async () => {
    const team = await w.createTeam(w.eventA);
    const refused = await h.request({
      method: 'PATCH',
      url: `/api/teams/${team}`,
      payload: { name: 'Hijacked' },
      token: w.tokens.dispatchB,
    });
    expect(refused.statusCode).toBe(404);
    const teams = await h.request({
      method: 'GET',
      url: `/api/events/${w.eventA}/teams`,
      token: w.tokens.admin,
    });
    expect(teams.json<{ teams: { name: string }[] }>().teams.map((t) => t.name)).not.toContain('Hijacked');
  });

  it('lists only the events a non-admin belongs to', async () => {
    const list = async (caller: ActorName) =>
      (await h.request({ method: 'GET', url: '/api/events', token: w.tokens[caller] }))
        .json<{ events: { id: string }[] }>()
        .events.map((e) => e.id);
    expect(await list('admin')).toEqual(expect.arrayContaining([w.eventA, w.eventB]));
    expect(await list('dispatchA')).toContain(w.eventA);
    expect(await list('dispatchA')).not.toContain(w.eventB);
    expect(await list('dispatchB')).toEqual([w.eventB]);
    expect(await list('general')).toContain(w.eventA);
    expect(await list('general')).not.toContain(w.eventB);
  });

  it('my channels: General sees assigned channels, Dispatch all of their events, Admin all', async () => {
    const channelsOf = async (caller: ActorName) => {
      const response = await h.request({ method: 'GET', url: '/api/me/channels', token: w.tokens[caller] });
      const events = response.json<{
        events: { id: string; role: string; teams: { channels: { id: string }[] }[] }[];
      }>().events;
      return {
        roles: Object.fromEntries(events.map((e) => [e.id, e.role])),
        channels: events.flatMap((e) => e.teams.flatMap((t) => t.channels.map((c) => c.id))),
      };
    };
    const general = await channelsOf('general');
    expect(general.channels).toContain(w.channelA1);
    expect(general.channels).not.toContain(w.channelA2);
    expect(general.channels).not.toContain(w.channelB1);
    expect(general.roles[w.eventA]).toBe('general');

    const dispatchA = await channelsOf('dispatchA');
    expect(dispatchA.channels).toEqual(expect.arrayContaining([w.channelA1, w.channelA2]));
    expect(dispatchA.channels).not.toContain(w.channelB1);
    expect(dispatchA.roles[w.eventA]).toBe('dispatch');

    const admin = await channelsOf('admin');
    expect(admin.channels).toEqual(expect.arrayContaining([w.channelA1, w.channelA2, w.channelB1]));
    expect(admin.roles[w.eventB]).toBe('admin');
  });

  it('GET /api/me reports the overall role', async () => {
    const roleOf = async (caller: ActorName) =>
      (await h.request({ method: 'GET', url: '/api/me', token: w.tokens[caller] })).json<{
        user: { role: string };
      }>().user.role;
    expect(await roleOf('admin')).toBe('admin');
    expect(await roleOf('dispatchA')).toBe('dispatch');
    expect(await roleOf('general')).toBe('general');
  });

  it('answers an outsider the same for an existing but hidden resource as for a missing one', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const team = await w.createTeam(w.eventA);
    for (const [existing, absent] of [
      [`/api/events/${w.eventA}`, `/api/events/${missing}`],
      [`/api/teams/${team}/channels`, `/api/teams/${missing}/channels`],
      [`/api/channels/${w.channelA1}/members`, `/api/channels/${missing}/members`],
    ] as const) {
      const seen = await h.request({ method: 'GET', url: existing, token: w.tokens.dispatchB });
      const unseen = await h.request({ method: 'GET', url: absent, token: w.tokens.dispatchB });
      expect(seen.statusCode, existing).toBe(404);
      expect(seen.json(), existing).toEqual(unseen.json());
    }
  });

  it('returns 404 for things that do not exist, before any role check', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const url of [
      `/api/events/${missing}`,
      `/api/teams/${missing}/channels`,
      `/api/channels/${missing}`,
    ]) {
      const response = await h.request({ method: 'GET', url, token: w.tokens.dispatchB });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('writes every administrative action to the audit log', async () => {
    const channel = await w.createChannel(w.teamA);
    await h.request({
      method: 'PUT',
      url: `/api/channels/${channel}/members/${w.users.general.id}`,
      token: w.tokens.dispatchA,
    });
    const response = await h.request({ method: 'GET', url: '/api/audit?limit=5', token: w.tokens.admin });
    const entries = response.json<{
      entries: { action: string; actorId: string; targetId: string; details: object }[];
    }>().entries;
    expect(entries[0]).toMatchObject({
      action: 'channel_member.add',
      actorId: w.users.dispatchA.id,
      targetId: w.users.general.id,
      details: { channelId: channel },
    });
    expect(entries[1]).toMatchObject({
      action: 'channel.create',
      targetId: channel,
      actorId: w.users.admin.id,
    });
  });
});
