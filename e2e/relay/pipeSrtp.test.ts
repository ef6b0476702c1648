import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startNodeCluster } from '../support/nodeCluster';
import type { NodeCluster } from '../support/nodeCluster';
import { Listener } from '../support/uiListener';

interface Tuple {
  ip: string;
  port: number;
  srtp?: { cryptoSuite: string; keyBase64: string };
}

/**
 * Pipes between nodes with SQUELCH_PIPE_SRTP=true: each end of a pipe makes its own SRTP key, and the two
 * ends swap them (the receiver's key in its 'open' request, the source's in its 'opened' answer), so each
 * PipeTransport encrypts with its own key and decrypts with the other's. Two real node processes, a real
 * redis-server (whose pub/sub the test watches to see the keys cross both ways), real Chromium: the talker's
 * tone on node A is heard on node B, and silence after release.
 */
describe('SRTP on the pipes between nodes', () => {
  let cluster: NodeCluster;
  let browser: TestBrowser;
  let watcher: Redis;
  const messages: { type: string; from: string; tuple?: Tuple }[] = [];
  let talker: LabPage;
  let listener: Listener;
  let channelId: string;

  beforeAll(async () => {
    cluster = await startNodeCluster({
      nodeIds: ['node-a', 'node-b'],
      channels: ['Gate'],
      people: { Gus: ['Gate'], Gina: ['Gate'] },
      env: { SQUELCH_PIPE_SRTP: 'true' },
    });
    channelId = cluster.channels.Gate!;
    watcher = new Redis(cluster.redisUrl);
    await watcher.psubscribe('squelch:relay:*');
    watcher.on('pmessage', (_pattern, _topic, text: string) => {
      messages.push(JSON.parse(text) as { type: string; from: string; tuple?: Tuple });
    });
    browser = await launchChromium();
    talker = new LabPage(await browser.page(`${cluster.nodes[0]!.url}/lab.html`));
    await talker.connect(cluster.tokens.Gus!, { rawMicrophone: true, urls: [cluster.wss[0]!] });
    await talker.enableMicrophone();
    await talker.join(channelId);
    listener = await Listener.open(
      await browser.browser.newPage({ ignoreHTTPSErrors: true }),
      cluster.nodes[1]!.url,
      cluster.tokens.Gina!,
    );
    await listener.join(channelId);
  }, 180_000);

  afterAll(async () => {
    watcher?.disconnect();
    await browser?.close();
    await cluster?.stop();
  });

  it("carries the talker's tone from node A to node B encrypted, with keys exchanged both ways", async () => {
    expect((await talker.press(channelId)).granted).toBe(true);
    expect(await listener.waitFor(channelId, 'above', 8000)).not.toBeNull();
    const heard = await listener.lab.measure(channelId, 800);
    expect(heard.rms).toBeGreaterThan(0.05);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThan(60);
    await talker.release(channelId);
    expect(await listener.waitFor(channelId, 'below', 3000)).not.toBeNull();

    const open = messages.find((message) => message.type === 'open' && message.from === 'node-b');
    const opened = messages.find((message) => message.type === 'opened' && message.from === 'node-a');
    expect(open?.tuple?.srtp?.cryptoSuite).toMatch(/^AEAD_AES_|^AES_CM_/);
    expect(opened?.tuple?.srtp?.cryptoSuite).toBe(open?.tuple?.srtp?.cryptoSuite);
    // A 128-bit AES-CM key with its 112-bit salt is 30 bytes (40 base64 characters); AEAD-GCM keys are longer.
    expect(open!.tuple!.srtp!.keyBase64.length).toBeGreaterThanOrEqual(40);
    expect(opened!.tuple!.srtp!.keyBase64).not.toBe(open!.tuple!.srtp!.keyBase64);
  });
});
