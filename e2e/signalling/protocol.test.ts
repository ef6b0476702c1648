import { CloseCode } from '@squelch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket } from '../support/rawSocket';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** The signalling socket's handling of bad input, against a real server (no browser needed). */
describe('signalling protocol', () => {
  let server: TestServer;
  let user: TestUser;
  let channelX: string;
  let channelY: string;
  const sockets: RawSocket[] = [];

  const open = async (): Promise<RawSocket> => {
    const socket = await RawSocket.open(server.url);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    const made = await server.createChannels(['X', 'Y']);
    channelX = made.channels.X!;
    channelY = made.channels.Y!;
    user = await server.createUser('Pat', made.eventId, [channelX]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('answers malformed JSON, a bad envelope, an unknown method and bad params with codes, then keeps working', async () => {
    const socket = await open();
    expect((await socket.request(1, 'authenticate', { token: await server.token(user) })).ok).toBe(true);

    socket.send('{not json');
    const notJson = await socket.next((frame) => frame.ok === false);
    expect(notJson).toMatchObject({ id: null, ok: false, error: { code: 'bad_request' } });
    expect(String((notJson.error as { message: string }).message)).toMatch(/JSON/);

    socket.send({ id: 'seven', method: 'ping' });
    expect(await socket.next((frame) => frame.ok === false)).toMatchObject({
      error: { code: 'bad_request' },
    });

    expect(await socket.request(2, 'teleport', {})).toMatchObject({
      id: 2,
      ok: false,
      error: { code: 'unknown_method', message: 'Unknown method "teleport".' },
    });

    const badParams = await socket.request(3, 'join', { channelId: 42 });
    expect(badParams).toMatchObject({ id: 3, ok: false, error: { code: 'bad_request' } });
    expect(String((badParams.error as { message: string }).message)).toContain('channelId');

    socket.send(Buffer.from([1, 2, 3]));
    expect(await socket.next((frame) => frame.ok === false)).toMatchObject({
      error: { code: 'bad_request' },
    });

    const ping = await socket.request(4, 'ping', {});
    expect(ping).toMatchObject({ id: 4, ok: true });
    expect(typeof (ping.result as { serverTime: number }).serverTime).toBe('number');
  });

  it('refuses requests before authentication and closes on an invalid token', async () => {
    const socket = await open();
    expect(await socket.request(1, 'join', { channelId: channelX })).toMatchObject({
      ok: false,
      error: { code: 'not_authenticated' },
    });
    expect(await socket.request(2, 'authenticate', { token: 'not-a-token' })).toMatchObject({
      ok: false,
      error: { code: 'not_authenticated' },
    });
    expect((await socket.waitClosed()).code).toBe(CloseCode.Unauthenticated);
  });

  it('refuses to join a channel the user is not assigned to, and media calls out of order', async () => {
    const socket = await open();
    expect((await socket.request(1, 'authenticate', { token: await server.token(user) })).ok).toBe(true);
    expect(await socket.request(2, 'join', { channelId: channelY })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Joining needs a receive transport first.
    expect(await socket.request(3, 'join', { channelId: channelX })).toMatchObject({
      ok: false,
      error: { code: 'invalid_state' },
    });
    expect(
      await socket.request(4, 'connectTransport', {
        transportId: 'nope',
        dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await socket.request(5, 'floor.request', { channelId: channelX })).toMatchObject({
      ok: true,
      result: { granted: false, reason: 'not_joined' },
    });
    expect((await socket.request(6, 'ping', {})).ok).toBe(true);
  });
});
