import * as mediasoup from 'mediasoup';
import type { WebRtcTransport } from 'mediasoup/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { httpsGet } from '../support/httpsGet';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

// Every WebRTC transport the server creates, so a test can close one from underneath a session.
const transports = new Map<string, WebRtcTransport>();
mediasoup.observer.on('newworker', (worker) => {
  worker.observer.on('newrouter', (router) => {
    router.observer.on('newtransport', (transport) => {
      if (transport.type === 'webrtc') transports.set(transport.id, transport as WebRtcTransport);
    });
  });
});

/**
 * Recovery with real processes: a real server node, real mediasoup workers (killed for real), real Chromium.
 * Alice talks on X and keeps holding the floor; Bob listens.
 */
describe('recovery', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let x: string;
  let alice: LabPage;
  let bob: LabPage;
  let aliceUser: TestUser;
  let bobUser: TestUser;

  const sessionOf = (user: TestUser) => {
    const sessions = server.squelch.signalling.registry.ofUser(user.id);
    expect(sessions).toHaveLength(1);
    return sessions[0]!;
  };

  /** Alice holds the floor and Bob hears her. */
  const aliceTalking = async (): Promise<void> => {
    const press = await alice.press(x);
    expect(press.granted).toBe(true);
    expect(await bob.waitForLevel(x, 'above', 0.05, 3000)).not.toBeNull();
  };

  beforeAll(async () => {
    server = await startTestServer({ workers: 2, env: { SQUELCH_FLOOR_MAX_DURATION_MS: '600000' } });
    browser = await launchChromium();
    const made = await server.createChannels(['X']);
    x = made.channels.X!;
    aliceUser = await server.createUser('Alice', made.eventId, [x]);
    bobUser = await server.createUser('Bob', made.eventId, [x]);
    alice = new LabPage(await browser.page(`${server.url}/lab.html`));
    bob = new LabPage(await browser.page(`${server.url}/lab.html`));
    await alice.connect(await server.token(aliceUser));
    await alice.enableMicrophone();
    await alice.join(x);
    await bob.connect(await server.token(bobUser));
    await bob.join(x);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a listener whose socket the server closes hears the channel again within 2 s, channels restored', async () => {
    await aliceTalking();
    const before = sessionOf(bobUser);
    const closedAt = Date.now();
    before.connection?.close(4001, 'closed by the test');
    await bob.waitForState('reconnecting', 2000);
    await bob.waitForState('connected', 2000);
    const after = sessionOf(bobUser);
    // The same server session was resumed: no duplicate, channels kept.
    expect(after.id).toBe(before.id);
    expect([...after.joined]).toEqual([x]);
    expect(await bob.waitForLevel(x, 'above', 0.05, 2000 - (Date.now() - closedAt))).not.toBeNull();
    expect(Date.now() - closedAt).toBeLessThan(2000);
    expect(Math.abs((await bob.measure(x, 500)).peakHz - 1000)).toBeLessThanOrEqual(50);
    await alice.release(x);
  });

  it('a talker whose socket the server closes loses the floor at once, resumes and talks again within 2 s', async () => {
    await aliceTalking();
    const closedAt = Date.now();
    sessionOf(aliceUser).connection?.close(4001, 'closed by the test');
    // The floor is released at once: Bob goes silent and sees the channel idle.
    expect(await bob.waitForLevel(x, 'below', 0.01, 1500)).not.toBeNull();
    await alice.waitForState('connected', 2000);
    expect((await alice.press(x)).granted).toBe(true);
    expect(await bob.waitForLevel(x, 'above', 0.05, 2000 - (Date.now() - closedAt))).not.toBeNull();
    expect(Date.now() - closedAt).toBeLessThan(2000);
    await alice.release(x);
  });

  it('listeners hear the talker again within 5 s after the channel stream worker is killed with SIGKILL', async () => {
    await aliceTalking();
    const stream = server.squelch.streams.get(x);
    expect(stream).toBeDefined();
    const deadPid = stream!.home.pid;
    const killedAt = Date.now();
    process.kill(deadPid, 'SIGKILL');
    expect(await bob.waitForLevel(x, 'below', 0.01, 3000)).not.toBeNull();
    const heardAgain = await bob.waitForLevel(x, 'above', 0.05, 5000 - (Date.now() - killedAt));
    expect(heardAgain).not.toBeNull();
    expect(Date.now() - killedAt).toBeLessThan(5000);
    const heard = await bob.measure(x, 500);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);
    // The worker was replaced in the same process, and Alice never lost the floor.
    await expect
      .poll(() => server.squelch.pool.workers.every((w) => !w.closed && w.pid !== deadPid))
      .toBe(true);
    expect(server.squelch.pool.healthy()).toBe(true);
    expect(sessionOf(aliceUser).grantOn(x)).toBeDefined();
    await alice.release(x);
  });

  it('a listener whose receive transport is closed on the server recovers its audio', async () => {
    await aliceTalking();
    const transportsBefore = sessionOf(bobUser).media.transportCount;
    const recvId = sessionOf(bobUser).media.transportIds.recv;
    expect(recvId).toBeDefined();
    const closedAt = Date.now();
    transports.get(recvId!)!.close();
    expect(await bob.waitForLevel(x, 'below', 0.01, 3000)).not.toBeNull();
    expect(await bob.waitForLevel(x, 'above', 0.05, 5000)).not.toBeNull();
    const recovered = sessionOf(bobUser);
    expect(recovered.media.transportIds.recv).not.toBe(recvId);
    expect(recovered.media.transportCount).toBe(transportsBefore);
    expect([...recovered.joined]).toEqual([x]);
    expect(Date.now() - closedAt).toBeLessThan(5000);
    // The client reported the failure, with a getStats() summary, to the server.
    await expect
      .poll(async () =>
        /squelch_client_reports_total\{kind="error"[^}]*\} [1-9]/.test(
          (await httpsGet(`${server.url}/metrics`)).text,
        ),
      )
      .toBe(true);
    await alice.release(x);
  });
});
