import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import { LabPage } from '../support/labPage';
import { BotClient } from '../support/botClient';
import type { TestUser } from '../support/squelchServer';

const MEDIA_TIMEOUT_MS = 2000;

/**
 * The silent holder: a talker whose audio stops while its socket stays open (the phone froze, the network
 * dropped the media, a client misbehaves) loses the floor after the media timeout — not after the 30 s lock
 * TTL — on every node. Two real nodes over Redis, a real Chromium talker.
 */
describe('silent holder', () => {
  let cluster: Cluster;
  let browser: TestBrowser;
  let channelId: string;
  let talker: TestUser;
  let listener: TestUser;
  let watcher: BotClient;

  beforeAll(async () => {
    cluster = await startCluster({
      backend: 'redis',
      nodes: 2,
      env: {
        SQUELCH_FLOOR_MEDIA_TIMEOUT_MS: String(MEDIA_TIMEOUT_MS),
        SQUELCH_FLOOR_FIRST_PACKET_GRACE_MS: '1000',
      },
    });
    browser = await launchChromium();
    const made = await cluster.createChannels(['Gates']);
    channelId = made.channels.Gates!;
    const users = await cluster.createUsers(['Tara', 'Lars'], made.eventId, [channelId]);
    talker = users[0]!;
    listener = users[1]!;
    // A listener on the other node watches the channel's floor notifications.
    watcher = await BotClient.connect(cluster.node(1).url, await cluster.node(1).token(listener), {
      producer: false,
    });
    await watcher.join(channelId);
  });

  afterAll(async () => {
    watcher?.close();
    await browser?.close();
    await cluster?.stop();
  });

  const openTalker = async (): Promise<LabPage> => {
    const page = new LabPage(await browser.page(`${cluster.node(0).url}/lab.html`));
    await page.connect(await cluster.node(0).token(talker));
    await page.enableMicrophone();
    await page.join(channelId);
    return page;
  };

  it('keeps a talker who sends audio continuously, however long the turn', async () => {
    const page = await openTalker();
    expect(await page.press(channelId)).toMatchObject({ granted: true });
    await watcher.notification('floorTaken');
    await new Promise((resolve) => setTimeout(resolve, 3 * MEDIA_TIMEOUT_MS));
    const revoked = await page.page.evaluate(() => window.lab.transmitLog());
    expect(JSON.stringify(revoked)).not.toContain('media_timeout');
    await page.release(channelId);
    await watcher.notification('floorIdle');
    await page.page.close();
  });

  it('frees the floor on both nodes soon after the holder stops sending, and tells the holder why', async () => {
    const page = await openTalker();
    expect(await page.press(channelId)).toMatchObject({ granted: true });
    await watcher.notification('floorTaken');
    // The socket stays open and heartbeats go on; only the audio stops (the producer pauses, no RTP at all).
    await page.page.evaluate(() => window.lab.client()?.mediaLink?.producer?.pause());
    // The browser stops sending when pause() returns: the last packet left about now.
    const stoppedAt = Date.now();
    await watcher.notification('floorIdle', () => true, 10_000);
    const idleAfter = Date.now() - stoppedAt;
    expect(idleAfter).toBeGreaterThanOrEqual(MEDIA_TIMEOUT_MS - 100);
    // The exact deadline is the unit test's business (test/media/SilenceWatch.test.ts); here the bound leaves
    // room for a loaded machine (the revocation crosses Redis to the other node) and stays far below the TTL.
    expect(idleAfter).toBeLessThan(MEDIA_TIMEOUT_MS + 2000);
    await expect
      .poll(async () => JSON.stringify(await page.page.evaluate(() => window.lab.transmitLog())), {
        timeout: 3000,
      })
      .toContain('media_timeout');
  });

  it('takes the floor from a client that holds its socket open but never sends audio (first-packet grace)', async () => {
    const mute = await BotClient.connect(cluster.node(0).url, await cluster.node(0).token(talker));
    try {
      await mute.join(channelId);
      const grantedAt = Date.now();
      expect(await mute.call('floor.request', { channelId })).toMatchObject({ granted: true });
      const revoked = await mute.notification('floorRevoked', () => true, 10_000);
      expect(revoked.data).toMatchObject({ channelId, reason: 'media_timeout' });
      await watcher.notification('floorIdle', () => true, 5000);
      const after = Date.now() - grantedAt;
      // The grace (1 s here) plus the timeout, not the lock TTL.
      expect(after).toBeGreaterThanOrEqual(MEDIA_TIMEOUT_MS + 1000 - 100);
      expect(after).toBeLessThan(MEDIA_TIMEOUT_MS + 1000 + 2000);
    } finally {
      mute.close();
    }
  });
});
