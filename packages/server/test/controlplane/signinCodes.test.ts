import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import jsQR from 'jsqr';
import { describeOnBackends } from './helpers/backends';
import { openHarness, type Harness } from './helpers/harness';
import { buildWorld, type World } from './helpers/world';

interface Card {
  id: string;
  userId: string;
  displayName: string;
  team: string | null;
  code: string;
  link: string;
  qrSvg: string;
}

describeOnBackends('single-use sign-in codes', (backend) => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase(), {
      loginRateLimit: { maxAttempts: 100, windowSec: 60, maxFailuresPerAddress: 8 },
    });
    w = await buildWorld(h);
  });
  afterAll(() => h.close());
  afterEach(() => vi.useRealTimers());

  const create = (eventId: string, body: object, token = w.tokens.admin) =>
    h.request({ method: 'POST', url: `/api/events/${eventId}/signin-codes`, payload: body, token });
  const redeem = (code: string, ip = '127.0.0.1') =>
    h.request({ method: 'POST', url: '/api/auth/code', payload: { code }, remoteAddress: ip });
  const cardsOf = (response: { json: <T>() => T }) => response.json<{ cards: Card[] }>().cards;

  it('signs its person in once, then refuses the same code with a clear message', async () => {
    const created = await create(w.eventA, { userIds: [w.users.general.id] });
    expect(created.statusCode, created.body).toBe(201);
    const [card] = cardsOf(created);
    expect(card?.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(card?.link).toBe(`http://localhost:80/signin#${card?.code}`);
    expect(card?.team).not.toBeNull();

    const first = await redeem(card?.code ?? '');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<{ user: { id: string } }>().user.id).toBe(w.users.general.id);
    expect(String(first.headers['set-cookie'])).toMatch(/squelch_refresh=/);
    // The access token works like a password sign-in's.
    const me = await h.request({
      method: 'GET',
      url: '/api/me',
      token: first.json<{ accessToken: string }>().accessToken,
    });
    expect(me.statusCode).toBe(200);

    const second = await redeem(card?.code ?? '');
    expect(second.statusCode).toBe(401);
    expect(second.json<{ error: { message: string } }>().error.message).toMatch(/already been used/);
  });

  it('refuses revoked, expired and unknown codes, each with its reason', async () => {
    const [revoked] = cardsOf(await create(w.eventA, { userIds: [w.users.general.id] }));
    const del = await h.request({
      method: 'DELETE',
      url: `/api/signin-codes/${revoked?.id}`,
      token: w.tokens.dispatchA,
    });
    expect(del.statusCode).toBe(204);
    const r = await redeem(revoked?.code ?? '');
    expect(r.statusCode).toBe(401);
    expect(r.json<{ error: { message: string } }>().error.message).toMatch(/withdrawn/);

    const [expiring] = cardsOf(await create(w.eventA, { userIds: [w.users.general.id], ttlSec: 60 }));
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 61_000);
    const e = await redeem(expiring?.code ?? '');
    vi.useRealTimers();
    expect(e.statusCode).toBe(401);
    expect(e.json<{ error: { message: string } }>().error.message).toMatch(/expired/);

    const unknown = await redeem('A'.repeat(43));
    expect(unknown.json<{ error: { message: string } }>().error.message).toMatch(/not valid/);
    const garbage = await redeem('../../etc/passwd');
    expect(garbage.statusCode).toBe(401);

    const list = await h.request({
      method: 'GET',
      url: `/api/events/${w.eventA}/signin-codes`,
      token: w.tokens.admin,
    });
    const codes = list.json<{ codes: Record<string, unknown>[] }>().codes;
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(codes.every((c) => !('code' in c))).toBe(true);
    expect(codes.find((c) => c.id === revoked?.id)?.revokedAt).not.toBeNull();

    const audit = await w.asAdmin({ method: 'GET', url: '/api/audit?limit=50' });
    const actions = audit.json<{ entries: { action: string }[] }>().entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['signin_code.create', 'signin_code.use', 'signin_code.revoke']),
    );
  });

  it('rate limits guessing per client address like sign-ins', async () => {
    const ip = '10.9.8.7';
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await redeem(`${'B'.repeat(42)}${i}`, ip)).statusCode);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.slice(8)).toEqual([429, 429]);
  });

  it('makes a batch for a team, with a QR code that decodes to each link', async () => {
    const response = await create(w.eventA, { teamId: w.teamA });
    expect(response.statusCode, response.body).toBe(201);
    const cards = cardsOf(response);
    expect(cards.map((c) => c.userId)).toEqual([w.users.general.id]);
    const card = cards[0];
    expect(card?.qrSvg).toMatch(/^<svg/);
    // Draw the SVG's modules into pixels and read them with an independent decoder.
    const decoded = decodeSvgQr(card?.qrSvg ?? '');
    expect(decoded).toBe(card?.link);
  });

  it('follows the role rules', async () => {
    // Not dispatchA's event: it does not exist for them.
    expect((await create(w.eventB, { userIds: [w.users.dispatchB.id] }, w.tokens.dispatchA)).statusCode).toBe(
      404,
    );
    // A general member cannot create codes.
    expect((await create(w.eventA, { userIds: [w.users.general.id] }, w.tokens.general)).statusCode).toBe(
      403,
    );
    // A dispatcher cannot give themselves or another dispatcher a code; nobody gives an admin one.
    expect((await create(w.eventA, { userIds: [w.users.dispatchA.id] }, w.tokens.dispatchA)).statusCode).toBe(
      409,
    );
    expect((await create(w.eventA, { userIds: [w.users.admin.id] })).statusCode).toBe(404);
    await w.setRole(w.eventA, w.users.admin.id, 'general');
    const admin = await create(w.eventA, { userIds: [w.users.admin.id] });
    expect(admin.statusCode).toBe(409);
    expect(admin.json<{ error: { message: string } }>().error.message).toMatch(/administrator/);
    // Revoking someone else's event's code looks like a missing one.
    const [other] = cardsOf(await create(w.eventB, { userIds: [w.users.dispatchB.id] }));
    const del = await h.request({
      method: 'DELETE',
      url: `/api/signin-codes/${other?.id}`,
      token: w.tokens.dispatchA,
    });
    expect(del.statusCode).toBe(404);
  });
});

/** Renders the `qrcode` package's SVG (one path of unit squares) to RGBA pixels and decodes them with jsQR. */
function decodeSvgQr(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) (\d+)"/.exec(svg)?.[1]);
  const path = /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const scale = 8;
  const px = size * scale;
  const data = new Uint8ClampedArray(px * px * 4).fill(255);
  const dark = (x: number, y: number) => {
    for (let dy = 0; dy < scale; dy += 1) {
      for (let dx = 0; dx < scale; dx += 1) {
        const i = ((y * scale + dy) * px + (x * scale + dx)) * 4;
        data[i] = 0;
        data[i + 1] = 0;
        data[i + 2] = 0;
      }
    }
  };
  // The path is a series of horizontal strokes: "M<x> <y+0.5>h<len>" with relative moves "m<dx> <dy>".
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of path.matchAll(/([MmHhVv])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
    const n = Number(a);
    if (op === 'M') [x, y] = [n, Number(b)];
    else if (op === 'm') [x, y] = [x + n, y + Number(b)];
    else if (op === 'h') {
      for (let i = 0; i < n; i += 1) dark(Math.floor(x + i), Math.floor(y));
      x += n;
    }
  }
  return jsQR(data, px, px)?.data ?? null;
}
