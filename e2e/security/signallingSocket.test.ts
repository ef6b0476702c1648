import { CloseCode, MAX_MESSAGE_BYTES } from '@squelch/protocol';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket } from '../support/rawSocket';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const ALLOWED_ORIGIN = 'https://console.example.org';
const MAX_SOCKETS = 5;
const MAX_SESSIONS = 2;

type Upgrade = { opened: WebSocket } | { status: number } | { ended: string };

/** Tries a WebSocket upgrade with the given path and Origin; says whether it opened or how it was refused. */
function tryUpgrade(baseUrl: string, path: string, origin?: string, timeoutMs = 5000): Promise<Upgrade> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseUrl.replace('https://', 'wss://')}${path}`, {
      rejectUnauthorized: false,
      ...(origin !== undefined ? { origin } : {}),
    });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve({ ended: 'timeout' });
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve({ opened: ws });
    });
    ws.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      resolve({ status: response.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ended: error.message });
    });
  });
}

function closeOf(ws: WebSocket, timeoutMs = 15_000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket not closed in time')), timeoutMs);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString('utf8') });
    });
  });
}

/** The signalling socket's edge: origins, paths, caps, floods, frame size, timeouts, replacement. */
describe('signalling socket hardening', () => {
  let server: TestServer;
  let pat: TestUser;
  let eventId: string;
  let channelId: string;
  /** A user of their own per test: sessions of a closed socket stay resumable (and counted) for 15 s. */
  const fresh = (name: string): Promise<TestUser> => server.createUser(name, eventId, [channelId]);
  const open: WebSocket[] = [];
  const raws: RawSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      workers: 1,
      env: {
        SQUELCH_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
        SQUELCH_MAX_SOCKETS_PER_ADDRESS: String(MAX_SOCKETS),
        SQUELCH_MAX_SESSIONS_PER_USER: String(MAX_SESSIONS),
      },
    });
    const made = await server.createChannels(['X']);
    eventId = made.eventId;
    channelId = made.channels.X!;
    pat = await fresh('Pat');
  });

  afterEach(async () => {
    const closing = [...open.splice(0), ...raws.splice(0).map((raw) => raw.ws)].map(async (ws) => {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.terminate();
      await closed;
    });
    await Promise.all(closing);
    // The server counts sockets per address until it sees them end.
    await new Promise((resolve) => setTimeout(resolve, 100));
  });

  afterAll(async () => {
    await server?.stop();
  });

  const keep = (upgrade: Upgrade): WebSocket => {
    if (!('opened' in upgrade)) throw new Error(`upgrade refused: ${JSON.stringify(upgrade)}`);
    open.push(upgrade.opened);
    return upgrade.opened;
  };

  const rawSocket = async (): Promise<RawSocket> => {
    const raw = await RawSocket.open(server.url);
    raws.push(raw);
    return raw;
  };

  it('refuses a foreign Origin with 403 even though the token is valid; its own and allowed origins pass', async () => {
    expect(await tryUpgrade(server.url, '/ws', 'https://evil.example.net')).toEqual({ status: 403 });
    expect(await tryUpgrade(server.url, '/ws', 'null')).toEqual({ status: 403 });

    for (const origin of [server.url, ALLOWED_ORIGIN]) {
      const ws = keep(await tryUpgrade(server.url, '/ws', origin));
      const answer = new Promise<Record<string, unknown>>((resolve) =>
        ws.once('message', (data: Buffer) =>
          resolve(JSON.parse(data.toString('utf8')) as Record<string, unknown>),
        ),
      );
      ws.send(JSON.stringify({ id: 1, method: 'authenticate', params: { token: await server.token(pat) } }));
      expect(await answer, origin).toMatchObject({ id: 1, ok: true });
    }
  });

  it('refuses upgrades on any other path and does not keep the socket', async () => {
    for (const path of ['/', '/api/auth/login', '/ws/extra', '/wss']) {
      const started = Date.now();
      expect(await tryUpgrade(server.url, path, server.url), path).toEqual({ status: 404 });
      expect(Date.now() - started, path).toBeLessThan(2000);
    }
  });

  it(`caps open sockets per client address at ${MAX_SOCKETS}, and frees a place when one closes`, async () => {
    const sockets: WebSocket[] = [];
    for (let index = 0; index < MAX_SOCKETS; index += 1)
      sockets.push(keep(await tryUpgrade(server.url, '/ws')));
    expect(await tryUpgrade(server.url, '/ws')).toEqual({ status: 429 });

    const first = sockets[0]!;
    const closed = closeOf(first);
    first.close(1000);
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    keep(await tryUpgrade(server.url, '/ws'));
  });

  it(`caps sessions per user at ${MAX_SESSIONS}: the next sign-in is refused and its socket closed 4429`, async () => {
    const sam = await fresh('Sam');
    for (let index = 0; index < MAX_SESSIONS; index += 1) {
      const raw = await rawSocket();
      expect((await raw.request(1, 'authenticate', { token: await server.token(sam) })).ok).toBe(true);
    }
    const extra = await rawSocket();
    const refused = await extra.request(1, 'authenticate', { token: await server.token(sam) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(String((refused.error as { message: string }).message)).toMatch(/open sessions/);
    await expect.poll(() => extra.closed?.code, { timeout: 5000 }).toBe(CloseCode.TooManySessions);
    // Another user is not affected.
    const other = await rawSocket();
    expect(
      (await other.request(1, 'authenticate', { token: await server.token(await fresh('Ola')) })).ok,
    ).toBe(true);
  });

  it('closes a socket that keeps flooding after rate_limited answers (4002)', async () => {
    const user = await fresh('Flo');
    const raw = await rawSocket();
    expect((await raw.request(1, 'authenticate', { token: await server.token(user) })).ok).toBe(true);
    let rateLimited = 0;
    const answeredIds: unknown[] = [];
    raw.discard = (frame) => {
      if ((frame.error as { code?: string } | undefined)?.code === 'rate_limited') {
        rateLimited += 1;
        answeredIds.push(frame.id);
      }
      return true;
    };
    for (let index = 0; index < 400 && raw.ws.readyState === WebSocket.OPEN; index += 1) {
      raw.send({ id: 100 + index, method: 'ping', params: {} });
    }
    await expect.poll(() => raw.closed?.code, { timeout: 5000 }).toBe(CloseCode.ProtocolViolation);
    expect(rateLimited).toBeGreaterThan(0);
    // Each refusal names the request it refuses, so a client's call ends at once instead of timing out.
    for (const id of answeredIds) expect(id).toEqual(expect.any(Number));
    expect(answeredIds.every((id) => (id as number) >= 100 && (id as number) < 500)).toBe(true);
  });

  it(`accepts a message just under ${MAX_MESSAGE_BYTES} bytes and closes the socket on a larger frame (1009)`, async () => {
    const user = await fresh('Max');
    const raw = await rawSocket();
    expect((await raw.request(1, 'authenticate', { token: await server.token(user) })).ok).toBe(true);
    const padding = 'x'.repeat(MAX_MESSAGE_BYTES - 200);
    raw.send({ id: 2, method: 'ping', params: { padding } });
    const answer = await raw.next((frame) => frame.id === 2);
    expect(answer.id).toBe(2);
    expect(raw.closed).toBeUndefined();

    raw.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    await expect.poll(() => raw.closed?.code, { timeout: 5000 }).toBe(1009);
  });

  it('closes a socket that does not authenticate within 10 s (4408)', async () => {
    const raw = await rawSocket();
    const started = Date.now();
    await expect.poll(() => raw.closed?.code, { timeout: 15_000, interval: 200 }).toBe(CloseCode.AuthTimeout);
    expect(Date.now() - started).toBeGreaterThan(9000);
  });

  it('closes the old socket with 4409 when its session is resumed on a new one', async () => {
    const user = await fresh('Rene');
    const first = await rawSocket();
    const authenticated = await first.request(1, 'authenticate', { token: await server.token(user) });
    const sessionId = (authenticated.result as { sessionId: string }).sessionId;
    const second = await rawSocket();
    const resumed = await second.request(1, 'authenticate', {
      token: await server.token(user),
      resumeSessionId: sessionId,
    });
    expect(resumed).toMatchObject({ ok: true, result: { sessionId, resumed: true } });
    await expect.poll(() => first.closed?.code, { timeout: 5000 }).toBe(CloseCode.Replaced);
    expect((await second.request(2, 'ping', {})).ok).toBe(true);
  });
});
