import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends } from './helpers/backends';
import { openHarness, type Harness } from './helpers/harness';
import { buildWorld, type World } from './helpers/world';

describeOnBackends('talk priority per event', (backend) => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase());
    w = await buildWorld(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const url = (eventId: string) => `/api/events/${eventId}/talk-priority`;

  it('defaults to Dispatch above General, an admin talking as Dispatch', async () => {
    const read = await h.request({ method: 'GET', url: url(w.eventA), token: w.tokens.general });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ dispatch: 2, general: 1 });
    expect(await h.cp.talkPriority(w.users.general.id, w.channelA1)).toBe(1);
    expect(await h.cp.talkPriority(w.users.dispatchA.id, w.channelA1)).toBe(2);
    expect(await h.cp.talkPriority(w.users.admin.id, w.channelA1)).toBe(2);
    // Not a member of event A: no priority there.
    expect(await h.cp.talkPriority(w.users.dispatchB.id, w.channelA1)).toBeNull();
    expect(await h.cp.talkPriority(w.users.general.id, 'not-a-uuid')).toBeNull();
  });

  it('is changed by an admin only, per event, and audited', async () => {
    const eventId = await w.createEvent();
    const team = await w.createTeam(eventId);
    const channel = await w.createChannel(team);
    const changed = await h.request({
      method: 'PUT',
      url: url(eventId),
      token: w.tokens.admin,
      payload: { dispatch: 5, general: 7 },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ dispatch: 5, general: 7 });
    // General above Dispatch in this event; the admin talks as Dispatch.
    expect(await h.cp.talkPriority(w.users.general.id, channel)).toBe(7);
    expect(await h.cp.talkPriority(w.users.dispatchA.id, channel)).toBe(5);
    expect(await h.cp.talkPriority(w.users.admin.id, channel)).toBe(5);
    // Other events keep theirs.
    expect(await h.cp.talkPriority(w.users.general.id, w.channelA1)).toBe(1);

    const audit = await h.request({ method: 'GET', url: '/api/audit?limit=20', token: w.tokens.admin });
    const entries = audit.json<{ entries: { action: string; targetId: string; details: unknown }[] }>();
    expect(entries.entries).toContainEqual(
      expect.objectContaining({
        action: 'event.talk_priority',
        targetId: eventId,
        details: { dispatch: 5, general: 7 },
      }),
    );

    const byDispatcher = await h.request({
      method: 'PUT',
      url: url(eventId),
      token: w.tokens.dispatchA,
      payload: { dispatch: 9, general: 1 },
    });
    expect(byDispatcher.statusCode).toBe(403);
    expect(byDispatcher.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('refuses out-of-range or malformed values with a sentence, and changes nothing', async () => {
    for (const payload of [
      { dispatch: 0, general: 1 },
      { dispatch: 10, general: 1 },
      { dispatch: 2.5, general: 1 },
    ]) {
      const response = await h.request({ method: 'PUT', url: url(w.eventB), token: w.tokens.admin, payload });
      expect(response.statusCode).toBe(400);
      const error = response.json<{ error: { code: string; message: string } }>().error;
      expect(error.code).toBe('bad_request');
      expect(error.message.length).toBeGreaterThan(10);
    }
    const missing = await h.request({
      method: 'PUT',
      url: url(w.eventB),
      token: w.tokens.admin,
      payload: { dispatch: 3 },
    });
    expect(missing.statusCode).toBe(400);
    const read = await h.request({ method: 'GET', url: url(w.eventB), token: w.tokens.admin });
    expect(read.json()).toEqual({ dispatch: 2, general: 1 });
    // Someone outside the event does not learn it exists.
    const outsider = await h.request({ method: 'GET', url: url(w.eventB), token: w.tokens.general });
    expect(outsider.statusCode).toBe(404);
  });
});
