import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/**
 * What a person hears, through a real mediasoup worker and real Chromium pages with a fake microphone that
 * plays a 1 kHz tone. Each person is a separate browser context (own session), like separate laptops.
 */
describe('audio path through the SFU', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let channels: Record<string, string>;
  let users: Record<'alice' | 'bob' | 'carol' | 'dave', TestUser>;
  const pages: Partial<Record<keyof typeof users, LabPage>> = {};

  const person = async (name: keyof typeof users): Promise<LabPage> => {
    const existing = pages[name];
    if (existing !== undefined) return existing;
    const lab = new LabPage(await browser.page(`${server.url}/lab.html`));
    await lab.connect(await server.token(users[name]));
    await lab.enableMicrophone();
    pages[name] = lab;
    return lab;
  };

  beforeAll(async () => {
    server = await startTestServer({ workers: 2 });
    browser = await launchChromium();
    const made = await server.createChannels(['X', 'Y', 'C3', 'C4', 'C5']);
    channels = made.channels;
    const all = Object.values(channels);
    users = {
      alice: await server.createUser('Alice', made.eventId, [channels.X!]),
      bob: await server.createUser('Bob', made.eventId, [channels.X!]),
      carol: await server.createUser('Carol', made.eventId, [channels.Y!]),
      dave: await server.createUser('Dave', made.eventId, all),
    };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('B hears A at 1 kHz while A holds the floor, and silence within 500 ms of the release', async () => {
    const x = channels.X!;
    const alice = await person('alice');
    const bob = await person('bob');
    await alice.join(x);
    await bob.join(x);

    expect((await bob.measure(x, 500)).rms).toBeLessThan(0.01);
    const granted = await alice.press(x);
    expect(granted.granted).toBe(true);
    expect(await bob.waitForLevel(x, 'above', 0.05, 3000)).not.toBeNull();
    const heard = await bob.measure(x, 1500);
    expect(heard.rms).toBeGreaterThan(0.1);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);

    await alice.release(x);
    const silentAfter = await bob.waitForLevel(x, 'below', 0.01, 3000);
    expect(silentAfter).not.toBeNull();
    expect(silentAfter!).toBeLessThan(500);
  });

  it('C, joined only to Y, hears nothing while A talks on X', async () => {
    const x = channels.X!;
    const y = channels.Y!;
    const alice = await person('alice');
    const carol = await person('carol');
    await carol.join(y);
    expect((await alice.press(x)).granted).toBe(true);
    try {
      const heard = await carol.measure(y, 1500);
      expect(heard.rms).toBeLessThan(0.01);
    } finally {
      await alice.release(x);
    }
  });

  it('D joining X while A talks hears A within 500 ms, without A pressing again', async () => {
    const x = channels.X!;
    const alice = await person('alice');
    const bob = await person('bob');
    expect((await alice.press(x)).granted).toBe(true);
    try {
      expect(await bob.waitForLevel(x, 'above', 0.05, 3000)).not.toBeNull();
      const dave = await person('dave');
      const joinedAt = Date.now();
      await dave.join(x);
      const heardAfter = await dave.waitForLevel(x, 'above', 0.05, 3000);
      expect(heardAfter).not.toBeNull();
      expect(Date.now() - joinedAt).toBeLessThan(500 + 250);
      expect(heardAfter!).toBeLessThan(500);
      const heard = await dave.measure(x, 1000);
      expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);
    } finally {
      await alice.release(x);
    }
  });

  it('after A releases and B presses, A hears B on the same stream', async () => {
    const x = channels.X!;
    const alice = await person('alice');
    const bob = await person('bob');
    expect((await alice.press(x)).granted).toBe(true);
    expect(await bob.waitForLevel(x, 'above', 0.05, 3000)).not.toBeNull();
    await alice.release(x);
    expect(await bob.waitForLevel(x, 'below', 0.01, 3000)).not.toBeNull();

    const consumerBefore = await alice.page.evaluate((id) => window.lab.client()?.channelTrack(id)?.id, x);
    expect((await bob.press(x)).granted).toBe(true);
    try {
      expect(await alice.waitForLevel(x, 'above', 0.05, 3000)).not.toBeNull();
      const heard = await alice.measure(x, 1000);
      expect(heard.rms).toBeGreaterThan(0.1);
      expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);
      // Same track as before: nothing was renegotiated when the floor changed hands.
      const consumerAfter = await alice.page.evaluate((id) => window.lab.client()?.channelTrack(id)?.id, x);
      expect(consumerAfter).toBe(consumerBefore);
    } finally {
      await bob.release(x);
    }
  });

  it('a client joined to 5 channels has exactly 2 transports on the server', async () => {
    const dave = await person('dave');
    for (const id of Object.values(channels)) await dave.join(id);
    const daveSessions = [...server.squelch.signalling.registry.all()].filter(
      (session) => session.identity.userId === users.dave.id,
    );
    expect(daveSessions).toHaveLength(1);
    const session = daveSessions[0]!;
    expect(session.joined.size).toBe(5);
    expect(session.media.transportCount).toBe(2);
    expect(session.media.consumerCount).toBe(5);
  });
});
