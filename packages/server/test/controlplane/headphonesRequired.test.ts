import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends } from './helpers/backends';
import { openHarness, type Harness } from './helpers/harness';
import { buildWorld, type World } from './helpers/world';

interface MyEvent {
  id: string;
  headphonesRequired: boolean;
}

describeOnBackends('event setting: dispatchers must use headphones', (backend) => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase());
    w = await buildWorld(h);
  });
  afterAll(() => h.close());

  const myEvent = async (token: string, eventId: string): Promise<MyEvent | undefined> => {
    const response = await h.request({ method: 'GET', url: '/api/me/channels', token });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ events: MyEvent[] }>().events.find((event) => event.id === eventId);
  };

  it('is off by default, set by an admin, and reaches the event members with their channels', async () => {
    const get = await w.asAdmin({ method: 'GET', url: `/api/events/${w.eventA}` });
    expect(get.json<{ headphonesRequired: boolean }>().headphonesRequired).toBe(false);
    expect((await myEvent(w.tokens.dispatchA, w.eventA))?.headphonesRequired).toBe(false);

    const patched = await w.asAdmin({
      method: 'PATCH',
      url: `/api/events/${w.eventA}`,
      payload: { headphonesRequired: true },
    });
    expect(patched.json<{ headphonesRequired: boolean }>().headphonesRequired).toBe(true);
    expect((await myEvent(w.tokens.dispatchA, w.eventA))?.headphonesRequired).toBe(true);
    expect((await myEvent(w.tokens.general, w.eventA))?.headphonesRequired).toBe(true);
    // Other events keep their own setting.
    expect((await myEvent(w.tokens.dispatchB, w.eventB))?.headphonesRequired).toBe(false);

    const created = await w.asAdmin({
      method: 'POST',
      url: '/api/events',
      payload: { name: 'Stadium night', headphonesRequired: true },
    });
    expect(created.json<{ headphonesRequired: boolean }>().headphonesRequired).toBe(true);
  });

  it('refuses a non-boolean value with a clear error, and lets only admins change it', async () => {
    const bad = await h.request({
      method: 'PATCH',
      url: `/api/events/${w.eventA}`,
      payload: { headphonesRequired: 'yes please' },
      token: w.tokens.admin,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string; message: string } }>().error.message).toMatch(
      /headphonesRequired/,
    );
    const byDispatcher = await h.request({
      method: 'PATCH',
      url: `/api/events/${w.eventA}`,
      payload: { headphonesRequired: false },
      token: w.tokens.dispatchA,
    });
    expect(byDispatcher.statusCode).toBe(403);
    expect((await myEvent(w.tokens.dispatchA, w.eventA))?.headphonesRequired).toBe(true);
  });
});
