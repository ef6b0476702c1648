import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const MAX_TALK_MS = 2500;

/** Packets the page's microphone producer has sent so far (outbound-rtp). */
async function packetsSent(page: LabPage): Promise<number> {
  return page.page.evaluate(async () => {
    const producer = window.lab.client()?.mediaLink?.producer;
    const report = await producer?.getStats();
    let sent = 0;
    report?.forEach((stat: { type: string; packetsSent?: number }) => {
      if (stat.type === 'outbound-rtp') sent += stat.packetsSent ?? 0;
    });
    return sent;
  });
}

/** A misbehaving client: turns its microphone back on after the server took its floor away. */
async function keepSending(page: LabPage): Promise<void> {
  await page.page.evaluate(() => window.lab.client()?.mediaLink?.producer?.resume());
}

/**
 * The server, not the client, decides whose audio reaches a channel: a talker whose floor was revoked, or who
 * was removed from the channel, is not heard even if its browser keeps sending.
 */
describe('server-side enforcement', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let eventId: string;
  let channels: Record<string, string>;
  const users: Record<string, TestUser> = {};
  const pages: Record<string, LabPage> = {};

  const person = async (name: string, channelIds: string[], microphone: boolean): Promise<LabPage> => {
    users[name] = await server.createUser(name, eventId, channelIds);
    const page = new LabPage(await browser.page(`${server.url}/lab.html`));
    await page.connect(await server.token(users[name]));
    if (microphone) await page.enableMicrophone();
    for (const channelId of channelIds) await page.join(channelId);
    pages[name] = page;
    return page;
  };

  beforeAll(async () => {
    server = await startTestServer({
      workers: 1,
      env: { SQUELCH_FLOOR_MAX_DURATION_MS: String(MAX_TALK_MS) },
    });
    browser = await launchChromium();
    const made = await server.createChannels(['Limit', 'Removal', 'Listen']);
    eventId = made.eventId;
    channels = made.channels;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a talker that ignores the max-duration revoke and keeps sending is not heard', async () => {
    const channel = channels.Limit!;
    const talker = await person('Rex', [channel], true);
    const listener = await person('Lou', [channel], false);
    expect((await talker.press(channel)).granted).toBe(true);
    expect(await listener.waitForLevel(channel, 'above', 0.05, 3000)).not.toBeNull();

    // The server revokes at the maximum talk time; the listener goes silent.
    expect(await listener.waitForLevel(channel, 'below', 0.01, MAX_TALK_MS + 2000)).not.toBeNull();
    await expect
      .poll(async () =>
        talker.page.evaluate(() =>
          window.lab.transmitLog().some((e) => e.state === 'ended' && e.reason === 'max_duration'),
        ),
      )
      .toBe(true);

    // The client turns its microphone back on anyway and really sends...
    await keepSending(talker);
    const before = await packetsSent(talker);
    const heard = await listener.measure(channel, 1500);
    expect((await packetsSent(talker)) - before).toBeGreaterThan(40);
    // ...but nothing of it reaches the listener.
    expect(heard.rms).toBeLessThan(0.01);
  });

  it('a talker removed from the channel is silenced within 1 s even if it keeps sending', async () => {
    const channel = channels.Removal!;
    const talker = await person('Tess', [channel], true);
    const listener = await person('Lia', [channel], false);
    expect((await talker.press(channel)).granted).toBe(true);
    expect(await listener.waitForLevel(channel, 'above', 0.05, 3000)).not.toBeNull();

    const removedAt = Date.now();
    await server.unassign(channel, users.Tess!.id);
    await keepSending(talker);
    const silentAfter = await listener.waitForLevel(channel, 'below', 0.01, 3000);
    expect(silentAfter).not.toBeNull();
    expect(Date.now() - removedAt).toBeLessThan(1000 + 300);
    const before = await packetsSent(talker);
    const heard = await listener.measure(channel, 1000);
    expect((await packetsSent(talker)) - before).toBeGreaterThan(25);
    expect(heard.rms).toBeLessThan(0.01);
    // The removed talker was told why.
    await expect
      .poll(async () =>
        talker.page.evaluate(() =>
          window.lab.transmitLog().some((e) => e.state === 'ended' && e.reason === 'removed_from_channel'),
        ),
      )
      .toBe(true);
  });

  it('a listener removed from the channel stops hearing it within 1 s', async () => {
    const channel = channels.Listen!;
    const talker = await person('Ned', [channel], true);
    const listener = await person('Ola', [channel], false);
    expect((await talker.press(channel)).granted).toBe(true);
    expect(await listener.waitForLevel(channel, 'above', 0.05, 3000)).not.toBeNull();
    const track = () =>
      listener.page.evaluate((id) => window.lab.client()?.channelTrack(id)?.readyState ?? 'gone', channel);
    expect(await track()).toBe('live');

    const removedAt = Date.now();
    await server.unassign(channel, users.Ola!.id);
    await expect.poll(track, { timeout: 1000, interval: 20 }).toBe('gone');
    expect(Date.now() - removedAt).toBeLessThan(1000);
    const session = server.squelch.signalling.registry.ofUser(users.Ola!.id)[0]!;
    expect(session.joined.has(channel)).toBe(false);
    expect(session.media.isListening(channel)).toBe(false);
    await talker.release(channel);
  });
});
