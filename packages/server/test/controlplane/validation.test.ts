import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends } from './helpers/backends';
import { openHarness, type Harness } from './helpers/harness';
import { buildWorld, type World } from './helpers/world';

/** A malformed request and the field the answer must name. */
interface Case {
  family: string;
  name: string;
  request(w: World): InjectOptions;
  field: string;
  status?: number;
}

const cases: Case[] = [
  // auth
  {
    family: 'auth',
    name: 'login without password',
    request: () => ({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.c' } }),
    field: 'body.password',
  },
  {
    family: 'auth',
    name: 'login with an object as e-mail',
    request: () => ({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: { $ne: 1 }, password: 'x' },
    }),
    field: 'body.email',
  },
  {
    family: 'auth',
    name: 'login with an empty e-mail',
    request: () => ({ method: 'POST', url: '/api/auth/login', payload: { email: '', password: 'x' } }),
    field: 'body.email',
  },
  // users
  {
    family: 'users',
    name: 'create with a bad e-mail',
    request: () => ({
      method: 'POST',
      url: '/api/users',
      payload: { email: 'not-an-email', displayName: 'X', password: 'long-enough-1' },
    }),
    field: 'body.email',
  },
  {
    family: 'users',
    name: 'create without display name',
    request: () => ({
      method: 'POST',
      url: '/api/users',
      payload: { email: 'x@test.example', password: 'long-enough-1' },
    }),
    field: 'body.displayName',
  },
  {
    family: 'users',
    name: 'create with a blank display name',
    request: () => ({
      method: 'POST',
      url: '/api/users',
      payload: { email: 'x@test.example', displayName: '   ', password: 'long-enough-1' },
    }),
    field: 'body.displayName',
  },
  {
    family: 'users',
    name: 'create with a short password',
    request: () => ({
      method: 'POST',
      url: '/api/users',
      payload: { email: 'x@test.example', displayName: 'X', password: 'short' },
    }),
    field: 'body.password',
  },
  {
    family: 'users',
    name: 'create with isAdmin not a boolean',
    request: () => ({
      method: 'POST',
      url: '/api/users',
      payload: {
        email: 'x@test.example',
        displayName: 'X',
        password: 'long-enough-1',
        isAdmin: 'yes please',
      },
    }),
    field: 'body.isAdmin',
  },
  {
    family: 'users',
    name: 'update with a non-uuid id',
    request: () => ({ method: 'PATCH', url: '/api/users/42', payload: { displayName: 'X' } }),
    field: 'params.userId',
  },
  {
    family: 'users',
    name: 'update with disabled not a boolean',
    request: (w) => ({
      method: 'PATCH',
      url: `/api/users/${w.users.general.id}`,
      payload: { disabled: 'maybe' },
    }),
    field: 'body.disabled',
  },
  {
    family: 'users',
    name: 'list with a negative limit',
    request: () => ({ method: 'GET', url: '/api/users?limit=-5' }),
    field: 'querystring.limit',
  },
  {
    family: 'users',
    name: 'list with a non-numeric offset',
    request: () => ({ method: 'GET', url: '/api/users?offset=lots' }),
    field: 'querystring.offset',
  },
  {
    family: 'users',
    name: 'reset password without password',
    request: (w) => ({ method: 'POST', url: `/api/users/${w.users.general.id}/password`, payload: {} }),
    field: 'body.password',
  },
  // events
  {
    family: 'events',
    name: 'create without name',
    request: () => ({ method: 'POST', url: '/api/events', payload: { description: 'x' } }),
    field: 'body.name',
  },
  {
    family: 'events',
    name: 'create with a number array as name',
    request: () => ({ method: 'POST', url: '/api/events', payload: { name: [1, 2] } }),
    field: 'body.name',
  },
  {
    family: 'events',
    name: 'create with an overlong name',
    request: () => ({ method: 'POST', url: '/api/events', payload: { name: 'x'.repeat(201) } }),
    field: 'body.name',
  },
  {
    family: 'events',
    name: 'read with a non-uuid id',
    request: () => ({ method: 'GET', url: '/api/events/not-a-uuid' }),
    field: 'params.eventId',
  },
  {
    family: 'events',
    name: 'update with an empty body',
    request: (w) => ({ method: 'PATCH', url: `/api/events/${w.eventA}`, payload: {} }),
    field: 'body',
  },
  {
    family: 'events',
    name: 'delete with a non-uuid id',
    request: () => ({ method: 'DELETE', url: "/api/events/1'%20or%201=1" }),
    field: 'params.eventId',
  },
  // members
  {
    family: 'members',
    name: 'set an unknown role',
    request: (w) => ({
      method: 'PUT',
      url: `/api/events/${w.eventA}/members/${w.users.general.id}`,
      payload: { role: 'overlord' },
    }),
    field: 'body.role',
  },
  {
    family: 'members',
    name: 'set role without body',
    request: (w) => ({ method: 'PUT', url: `/api/events/${w.eventA}/members/${w.users.general.id}` }),
    field: 'body',
  },
  {
    family: 'members',
    name: 'remove with a non-uuid user',
    request: (w) => ({ method: 'DELETE', url: `/api/events/${w.eventA}/members/bob` }),
    field: 'params.userId',
  },
  // teams
  {
    family: 'teams',
    name: 'create with an empty name',
    request: (w) => ({ method: 'POST', url: `/api/events/${w.eventA}/teams`, payload: { name: '' } }),
    field: 'body.name',
  },
  {
    family: 'teams',
    name: 'list with a non-uuid event',
    request: () => ({ method: 'GET', url: '/api/events/xyz/teams' }),
    field: 'params.eventId',
  },
  {
    family: 'teams',
    name: 'rename without name',
    request: (w) => ({ method: 'PATCH', url: `/api/teams/${w.teamA}`, payload: { title: 'x' } }),
    field: 'body.name',
  },
  // channels
  {
    family: 'channels',
    name: 'create with a null name',
    request: (w) => ({ method: 'POST', url: `/api/teams/${w.teamA}/channels`, payload: { name: null } }),
    field: 'body.name',
  },
  {
    family: 'channels',
    name: 'read with a non-uuid id',
    request: () => ({ method: 'GET', url: '/api/channels/12345' }),
    field: 'params.channelId',
  },
  {
    family: 'channels',
    name: 'rename with a blank name',
    request: (w) => ({ method: 'PATCH', url: `/api/channels/${w.channelA1}`, payload: { name: ' \t ' } }),
    field: 'body.name',
  },
  // assignments
  {
    family: 'assignments',
    name: 'assign a non-uuid user',
    request: (w) => ({ method: 'PUT', url: `/api/channels/${w.channelA1}/members/someone` }),
    field: 'params.userId',
  },
  {
    family: 'assignments',
    name: 'unassign on a non-uuid channel',
    request: (w) => ({ method: 'DELETE', url: `/api/channels/abc/members/${w.users.general.id}` }),
    field: 'params.channelId',
  },
  // audit
  {
    family: 'audit',
    name: 'read with a zero limit',
    request: () => ({ method: 'GET', url: '/api/audit?limit=0' }),
    field: 'querystring.limit',
  },
  {
    family: 'audit',
    name: 'read with a fractional cursor',
    request: () => ({ method: 'GET', url: '/api/audit?before=1.5' }),
    field: 'querystring.before',
  },
];

describeOnBackends('malformed input', (backend) => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase());
    w = await buildWorld(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const c of cases) {
    it(`${c.family}: ${c.name} → 400 naming ${c.field}`, async () => {
      const response = await h.request({ ...c.request(w), token: w.tokens.admin });
      expect(response.statusCode, response.body).toBe(c.status ?? 400);
      const error = response.json<{ error: { code: string; message: string; field: string } }>().error;
      expect(error.code).toBe('bad_request');
      expect(error.field).toBe(c.field);
      expect(error.message).toContain(c.field);
    });
  }

  it('says what is wrong in plain words', async () => {
    const message = async (options: InjectOptions) =>
      (await h.request({ ...options, token: w.tokens.admin })).json<{ error: { message: string } }>().error
        .message;
    expect(await message({ method: 'POST', url: '/api/events', payload: { name: '  ' } })).toBe(
      'Invalid request: body.name must not be blank.',
    );
    expect(
      await message({
        method: 'POST',
        url: '/api/users',
        payload: { email: 'x', displayName: 'X', password: 'long-enough-1' },
      }),
    ).toBe('Invalid request: body.email must be a valid email.');
    expect(await message({ method: 'GET', url: '/api/events/abc' })).toBe(
      'Invalid request: params.eventId must be a valid uuid.',
    );
    expect(await message({ method: 'PATCH', url: `/api/events/${w.eventA}`, payload: {} })).toBe(
      'Invalid request: body must contain at least one field to change.',
    );
  });

  it('a body that is not JSON → 400 bad_request', async () => {
    const response = await h.request({
      method: 'POST',
      url: '/api/events',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "unterminated',
      token: w.tokens.admin,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'bad_request', message: expect.stringMatching(/JSON/i) as unknown },
    });
  });

  it('an unsupported content type → 415 with the error shape', async () => {
    const response = await h.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({
      error: { code: 'bad_request', message: expect.any(String) as unknown },
    });
  });

  it('an unknown API route → 404 with the error shape', async () => {
    const response = await h.request({ method: 'GET', url: '/api/nothing-here?x=1', token: w.tokens.admin });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'not_found', message: 'No API route for GET /api/nothing-here.' },
    });
  });

  it('duplicates are conflicts, not server errors', async () => {
    const taken = await h.request({
      method: 'POST',
      url: '/api/users',
      payload: { email: w.users.general.email.toUpperCase(), displayName: 'Copy', password: 'long-enough-1' },
      token: w.tokens.admin,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'conflict' } });

    const team = await h.request({
      method: 'GET',
      url: `/api/events/${w.eventA}/teams`,
      token: w.tokens.admin,
    });
    const name = team.json<{ teams: { name: string }[] }>().teams[0]?.name;
    const again = await h.request({
      method: 'POST',
      url: `/api/events/${w.eventA}/teams`,
      payload: { name },
      token: w.tokens.dispatchA,
    });
    expect(again.statusCode).toBe(409);
  });

  it('assigning a user who is not a member of the event is a conflict', async () => {
    const outsider = await w.createUser();
    const response = await h.request({
      method: 'PUT',
      url: `/api/channels/${w.channelA1}/members/${outsider.id}`,
      token: w.tokens.dispatchA,
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      error: { code: 'conflict', message: expect.stringMatching(/member/) as unknown },
    });
  });

  it('an admin cannot lock themselves out', async () => {
    const response = await h.request({
      method: 'PATCH',
      url: `/api/users/${w.users.admin.id}`,
      payload: { disabled: true },
      token: w.tokens.admin,
    });
    expect(response.statusCode).toBe(409);
  });

  it('unknown body properties are dropped, not stored', async () => {
    const response = await h.request({
      method: 'POST',
      url: '/api/events',
      payload: { name: 'Extra', id: '00000000-0000-4000-8000-000000000000', owner: 'me' },
      token: w.tokens.admin,
    });
    expect(response.statusCode).toBe(201);
    const event = response.json<Record<string, unknown>>();
    expect(event.id).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(event).not.toHaveProperty('owner');
  });

  it('serves the OpenAPI document with every route family', async () => {
    const response = await h.request({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown }>>;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/me',
      '/api/me/channels',
      '/api/users',
      '/api/users/{userId}/password',
      '/api/events/{eventId}',
      '/api/events/{eventId}/members/{userId}',
      '/api/events/{eventId}/teams',
      '/api/teams/{teamId}/channels',
      '/api/channels/{channelId}/members/{userId}',
      '/api/audit',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/api/events']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/auth/login']?.post?.security).toBeUndefined();
    expect(doc.paths).not.toHaveProperty(['/api/openapi.json']);
  });
});
