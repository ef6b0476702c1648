import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startNodeCluster } from '../support/nodeCluster';
import type { NodeCluster } from '../support/nodeCluster';

const CHANNELS = Array.from({ length: 10 }, (_, index) => `Channel ${index + 1}`);

/**
 * A dispatcher on node C listens to ten channels whose talkers are on nodes A and B (the odd channels' talker
 * on A, the even ones' on B): each channel is heard at the dispatcher when its talker talks, and only that
 * channel. Three real node processes, real Chromium.
 */
describe('a dispatcher on one node, talkers on two others', () => {
  let cluster: NodeCluster;
  let browser: TestBrowser;
  let dana: LabPage;
  const talkers: LabPage[] = [];

  beforeAll(async () => {
    cluster = await startNodeCluster({
      nodeIds: ['node-a', 'node-b', 'node-c'],
      channels: CHANNELS,
      people: { Gus: CHANNELS, Gina: CHANNELS, Dana: CHANNELS },
    });
    browser = await launchChromium();
    for (const [index, name] of ['Gus', 'Gina', 'Dana'].entries()) {
      const page = new LabPage(await browser.page(`${cluster.nodes[index]!.url}/lab.html`));
      await page.connect(cluster.tokens[name]!, { rawMicrophone: true, urls: [cluster.wss[index]!] });
      if (name !== 'Dana') await page.enableMicrophone();
      for (const channel of CHANNELS) await page.join(cluster.channels[channel]!);
      if (name === 'Dana') dana = page;
      else talkers.push(page);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('hears each of ten channels from talkers spread over A and B, one channel at a time', async () => {
    for (const [index, name] of CHANNELS.entries()) {
      const channelId = cluster.channels[name]!;
      const talker = talkers[index % 2]!;
      expect(await talker.press(channelId)).toMatchObject({ granted: true });
      expect(await dana.waitForLevel(channelId, 'above', 0.05, 5000)).not.toBeNull();
      const heard = await dana.measure(channelId, 300);
      expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);
      // Only the channel talked on is heard: the next one is silent.
      const other = cluster.channels[CHANNELS[(index + 1) % CHANNELS.length]!]!;
      expect((await dana.measure(other, 300)).rms).toBeLessThan(0.01);
      await talker.release(channelId);
      expect(await dana.waitForLevel(channelId, 'below', 0.01, 3000)).not.toBeNull();
    }
  });
});
