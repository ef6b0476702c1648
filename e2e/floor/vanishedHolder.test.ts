import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import { LabPage } from '../support/labPage';
import { createNamespace } from '../support/netns';
import type { TestNamespace } from '../support/netns';
import type { TestUser } from '../support/squelchServer';
import { launchStoppableChromium } from '../support/stoppableBrowser';

const MEDIA_TIMEOUT_MS = 2000;

/** What a listener page has received on its channel and when it saw the channel go idle (page clock, epoch ms). */
interface ListenerView {
  packets: number;
  lastPacketAt: number | undefined;
  idleSeenAt: number[];
}

/** Starts recording, in the listener's page, each moment the channel turns idle. */
async function watchIdle(listener: LabPage, channelId: string): Promise<void> {
  await listener.page.evaluate((id) => {
    const page = window as unknown as { idleSeenAt: number[]; stopIdleWatch?: () => void };
    page.stopIdleWatch?.();
    page.idleSeenAt = [];
    let last = window.lab.client()?.channel(id)?.floor.state;
    page.stopIdleWatch = window.lab.client()?.on('channel', (view) => {
      if (view.channelId !== id) return;
      if (view.floor.state === 'idle' && last !== 'idle') page.idleSeenAt.push(Date.now());
      last = view.floor.state;
    });
  }, channelId);
}

/** RTP received on the listener's receive transport (inbound-rtp of the browser's own stats) and idle moments. */
async function listenerView(listener: LabPage): Promise<ListenerView> {
  return listener.page.evaluate(async () => {
    const recv = window.lab.client()?.mediaLink?.transports.recv;
    if (recv === undefined) throw new Error('no receive transport');
    let packets = 0;
    let lastPacketAt: number | undefined;
    (await recv.getStats()).forEach((stat: Record<string, unknown>) => {
      if (stat.type !== 'inbound-rtp' || stat.kind !== 'audio') return;
      packets += Number(stat.packetsReceived ?? 0);
      // Chromium reports it on the same clock as Date.now() (ms since the epoch).
      const at = stat.lastPacketReceivedTimestamp;
      if (typeof at === 'number') lastPacketAt = Math.max(lastPacketAt ?? 0, at);
    });
    return {
      packets,
      lastPacketAt,
      idleSeenAt: [...(window as unknown as { idleSeenAt: number[] }).idleSeenAt],
    };
  });
}

/**
 * A talker who vanishes without a word: the browser frozen by the operating system (SIGSTOP of its whole process
 * group), or its network gone. Either way the socket is not closed — the server hears nothing at all — and the
 * floor must not stay taken for the 30 s lock TTL: the node where the talk enters frees it when no packet has
 * come for the media timeout, and listeners on both nodes see the channel idle about that long after the last
 * packet they received. Two real nodes over Redis, real Chromium talkers and listeners.
 */
describe('a talker who vanishes mid-sentence', () => {
  let namespace: TestNamespace;
  let cluster: Cluster;
  let listenerBrowser: TestBrowser;
  let channelId: string;
  let talker: TestUser;
  let listeners: LabPage[];

  beforeAll(async () => {
    // The nodes listen on the host end of a veth pair, so a talker's browser inside the namespace can reach
    // them — until the test cuts the namespace's network. Everything else runs outside it.
    namespace = createNamespace();
    cluster = await startCluster({
      backend: 'redis',
      nodes: 2,
      env: {
        SQUELCH_HOST: namespace.hostIp,
        SQUELCH_RTC_LISTEN_IP: namespace.hostIp,
        SQUELCH_FLOOR_MEDIA_TIMEOUT_MS: String(MEDIA_TIMEOUT_MS),
        SQUELCH_FLOOR_FIRST_PACKET_GRACE_MS: '1000',
      },
    });
    listenerBrowser = await launchChromium();
    const made = await cluster.createChannels(['Gates']);
    channelId = made.channels.Gates!;
    const users = await cluster.createUsers(['Tara', 'Lars', 'Lena'], made.eventId, [channelId]);
    talker = users[0]!;
    listeners = [];
    for (const [index, user] of [users[1]!, users[2]!].entries()) {
      const node = cluster.node(index);
      const page = new LabPage(await listenerBrowser.page(`${node.url}/lab.html`));
      await page.connect(await node.token(user));
      await page.join(channelId);
      listeners.push(page);
    }
  });

  afterAll(async () => {
    await listenerBrowser?.close();
    await cluster?.stop();
    namespace?.remove();
  });

  /** The talker on node 1 presses and both listeners hear the tone. */
  const talk = async (page: LabPage): Promise<void> => {
    await page.connect(await cluster.node(0).token(talker));
    await page.enableMicrophone();
    await page.join(channelId);
    for (const listener of listeners) await watchIdle(listener, channelId);
    expect(await page.press(channelId)).toMatchObject({ granted: true });
    for (const listener of listeners) {
      expect(await listener.waitForLevel(channelId, 'above', 0.05, 10_000)).not.toBeNull();
    }
  };

  /**
   * Waits until both listeners saw the channel go idle; checks that each one's audio stopped when the talker
   * vanished and that idle came the media timeout after the last packet (on a loaded machine the revocation
   * crossing Redis may take longer; far below the 30 s TTL either way). Returns the measured times.
   */
  const expectIdleAfterSilence = async (vanishedAt: number): Promise<string[]> => {
    const measured: string[] = [];
    for (const [index, listener] of listeners.entries()) {
      await expect
        .poll(async () => (await listenerView(listener)).idleSeenAt.length, { timeout: 10_000, interval: 50 })
        .toBeGreaterThan(0);
      const view = await listenerView(listener);
      // Nothing more arrives: the talker's RTP really stopped.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await listenerView(listener)).packets).toBe(view.packets);
      expect(view.lastPacketAt).toBeDefined();
      const lastPacketAt = Math.round(view.lastPacketAt!);
      const idleAfter = Math.round(view.idleSeenAt[0]! - lastPacketAt);
      // The audio stopped when the talker vanished (packets already on their way may land a little later).
      expect(lastPacketAt - vanishedAt).toBeGreaterThan(-1000);
      expect(lastPacketAt - vanishedAt).toBeLessThan(1000);
      expect(idleAfter).toBeGreaterThanOrEqual(MEDIA_TIMEOUT_MS - 200);
      expect(idleAfter).toBeLessThan(MEDIA_TIMEOUT_MS + 2000);
      measured.push(
        `node ${index + 1} listener: last packet ${lastPacketAt - vanishedAt} ms after the talker vanished, ` +
          `idle ${idleAfter} ms after the last packet`,
      );
    }
    return measured;
  };

  it('frees the floor on both nodes when the talking browser is frozen (SIGSTOP of its process group)', async () => {
    const talkerBrowser = await launchStoppableChromium();
    try {
      const page = new LabPage(await talkerBrowser.page(`${cluster.node(0).url}/lab.html`));
      await talk(page);
      talkerBrowser.freeze();
      const frozenAt = Date.now();
      const measured = await expectIdleAfterSilence(frozenAt);
      console.log(`talker's browser stopped: ${measured.join('; ')}`);
      // Thawed, the page still has its socket (nothing closed it) and learns why its turn ended.
      talkerBrowser.thaw();
      await expect
        .poll(async () => JSON.stringify(await page.page.evaluate(() => window.lab.transmitLog())), {
          timeout: 10_000,
        })
        .toContain('media_timeout');
    } finally {
      await talkerBrowser.close();
    }
  });

  it('frees the floor on both nodes when the talking browser loses its network', async () => {
    // Chromium's own network emulation (CDP Network.emulateNetworkConditions offline) does not reach WebRTC:
    // the talker's RTP went on and the floor stayed taken. So the talker's browser runs in a network namespace
    // and the test drops every packet of it, as a phone that lost its signal (nothing is refused or reset).
    const talkerBrowser = await launchChromium({ executablePath: namespace.chromiumWrapper });
    try {
      const page = new LabPage(await talkerBrowser.page(`${cluster.node(0).url}/lab.html`));
      await talk(page);
      namespace.cut();
      const cutAt = Date.now();
      const measured = await expectIdleAfterSilence(cutAt);
      // The talker's browser went on sending into the void (about 50 RTP packets a second).
      const dropped = namespace.cutDrops();
      expect(dropped).toBeGreaterThan(50);
      console.log(`talker's network cut: ${measured.join('; ')}; ${dropped} packets dropped`);
      // Back on the network, the page's socket (never closed) learns why its turn ended.
      namespace.restore();
      await expect
        .poll(async () => JSON.stringify(await page.page.evaluate(() => window.lab.transmitLog())), {
          timeout: 20_000,
        })
        .toContain('media_timeout');
    } finally {
      namespace.restore();
      await talkerBrowser.close();
    }
  });
});
