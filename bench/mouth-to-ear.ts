/**
 * Mouth-to-ear latency through Squelch, with a peer-to-peer baseline and press-to-hear, in one run.
 *
 *   npx tsx bench/mouth-to-ear.ts            (BURSTS=40 PRESSES=20 by default)
 *
 * - server: page A sends tone bursts (100 ms on, 400 ms off) through a real Squelch node (real mediasoup
 *   workers) while holding the floor; page B listens on the channel. Both pages run the same AudioWorklet onset
 *   detector; each received onset is paired with the latest earlier sent onset.
 * - p2p: the same burst source and detector between two pages over a direct RTCPeerConnection (no server).
 * - press-to-hear: A holds a steady tone and presses PTT repeatedly; the delay from the press() call to the
 *   onset heard by B (floor request round trip + media start + network + jitter buffer).
 * - network modes of the same burst measurement (MODES, default all), each beside the direct path:
 *   turn-udp / turn-tcp: both pages relay-only (iceTransportPolicy 'relay') through a real coturn on loopback,
 *   reached over UDP or TCP; ice-tcp: both pages in a Chromium inside a network namespace whose UDP is
 *   dropped (nftables), so media uses mediasoup's ICE-TCP candidate. ice-tcp needs root (ip netns, nft).
 * - cross-node: two node processes on one Redis and PostgreSQL; the talker on node A, one listener on A and one
 *   on B (the channel's audio reaches B through a PipeTransport), both hearing the same bursts and the same
 *   presses, so the cross-node / same-node ratio compares like with like.
 * Prints medians, p95, the ratio server / p2p and each mode / direct. Loopback and a test namespace only; the
 * run is bounded and stops by itself.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../e2e/support/browser';
import { startCoturn } from '../e2e/support/coturn';
import { createNamespace } from '../e2e/support/netns';
import { LabPage } from '../e2e/support/labPage';
import { startNodeCluster } from '../e2e/support/nodeCluster';
import { startTestServer } from '../e2e/support/squelchServer';
import type { TestServer } from '../e2e/support/squelchServer';
import { pageAudioScript } from './lib/pageAudio';
import { fmt, pairOnsets, summarize } from './lib/stats';

const BURSTS = Number(process.env.BURSTS ?? 40);
const ALL_MODES = ['cross-node', 'turn-udp', 'turn-tcp', 'ice-tcp'] as const;
type Mode = (typeof ALL_MODES)[number];
const MODES = (process.env.MODES ?? ALL_MODES.join(','))
  .split(',')
  .map((mode) => mode.trim())
  .filter((mode): mode is Mode => (ALL_MODES as readonly string[]).includes(mode));
const PRESSES = Number(process.env.PRESSES ?? 20);
const ON_MS = 100;
const OFF_MS = 400;

async function benchPage(browser: Browser, url: string): Promise<Page> {
  // The bench's AudioWorklet is loaded from a blob: URL, which the app's Content-Security-Policy forbids (rightly
  // for the product); the measuring pages bypass it.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true });
  await context.addInitScript(pageAudioScript);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Two signed-in lab pages on the channel: the receiver runs the onset detector on what it hears. */
async function senderAndReceiver(
  server: TestServer,
  browser: Browser,
  channelId: string,
  tokens: [string, string],
  iceTransportPolicy: 'all' | 'relay' = 'all',
): Promise<{ sender: LabPage; receiver: LabPage }> {
  const sender = new LabPage(await benchPage(browser, `${server.url}/lab.html`));
  const receiver = new LabPage(await benchPage(browser, `${server.url}/lab.html`));
  await sender.connect(tokens[0], { rawMicrophone: true, iceTransportPolicy });
  await receiver.connect(tokens[1], { rawMicrophone: true, iceTransportPolicy });
  await receiver.join(channelId);
  await receiver.page.evaluate(async (id) => {
    const track = window.lab.client()?.channelTrack(id);
    if (track === undefined) throw new Error('no channel track');
    await window.benchAudio.detect(track);
  }, channelId);
  await sender.join(channelId);
  return { sender, receiver };
}

async function throughServer(
  server: TestServer,
  browser: Browser,
  channelId: string,
  tokens: [string, string],
  iceTransportPolicy: 'all' | 'relay' = 'all',
) {
  const { sender, receiver } = await senderAndReceiver(
    server,
    browser,
    channelId,
    tokens,
    iceTransportPolicy,
  );
  await sender.page.evaluate(
    async ([count, on, off]) => {
      const track = await window.benchAudio.burstSource(1000, on, off, count);
      await window.lab.client()?.enableMicrophone(track);
      await window.benchAudio.detect('source');
    },
    [BURSTS, ON_MS, OFF_MS] as const,
  );
  const press = await sender.press(channelId);
  if (!press.granted) throw new Error('floor not granted');
  await new Promise((resolve) => setTimeout(resolve, BURSTS * (ON_MS + OFF_MS) + 1500));
  await sender.release(channelId);
  const sent = await sender.page.evaluate(() => window.benchAudio.onsets);
  const heard = await receiver.page.evaluate(() => window.benchAudio.onsets);
  await sender.page.context().close();
  await receiver.page.context().close();
  return pairOnsets(sent, heard);
}

async function peerToPeer(browser: Browser, origin: string) {
  const a = await benchPage(browser, `${origin}/lab.html`);
  const b = await benchPage(browser, `${origin}/lab.html`);
  // A granted getUserMedia lets Chromium expose real host candidates instead of unresolvable mDNS names.
  for (const page of [a, b]) {
    await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      stream.getTracks().forEach((track) => track.stop());
    });
  }
  await b.evaluate(() => {
    const pc = new RTCPeerConnection();
    (window as unknown as { pc: RTCPeerConnection }).pc = pc;
    pc.ontrack = (event) => void window.benchAudio.detect(event.track);
  });
  const offer = await a.evaluate(
    async ([count, on, off]) => {
      const pc = new RTCPeerConnection();
      (window as unknown as { pc: RTCPeerConnection }).pc = pc;
      const track = await window.benchAudio.burstSource(1000, on, off, count);
      await window.benchAudio.detect('source');
      pc.addTrack(track, new MediaStream([track]));
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
      });
      return pc.localDescription!.toJSON();
    },
    [BURSTS, ON_MS, OFF_MS] as const,
  );
  const answer = await b.evaluate(async (description) => {
    const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
    await pc.setRemoteDescription(description);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    });
    return pc.localDescription!.toJSON();
  }, offer);
  await a.evaluate(async (description) => {
    await (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription(description);
  }, answer);
  await new Promise((resolve) => setTimeout(resolve, BURSTS * (ON_MS + OFF_MS) + 1500));
  const sent = await a.evaluate(() => window.benchAudio.onsets);
  const heard = await b.evaluate(() => window.benchAudio.onsets);
  await a.context().close();
  await b.context().close();
  return pairOnsets(sent, heard);
}

async function pressToHear(
  server: TestServer,
  browser: Browser,
  channelId: string,
  tokens: [string, string],
) {
  const { sender, receiver } = await senderAndReceiver(server, browser, channelId, tokens);
  await sender.page.evaluate(async () => {
    await window.lab.client()?.enableMicrophone(await window.benchAudio.steadySource(1000));
  });
  const presses: number[] = [];
  for (let i = 0; i < PRESSES; i += 1) {
    const pressedAt = await sender.page.evaluate(async (id) => {
      const at = performance.timeOrigin + performance.now();
      const result = await window.lab.press(id);
      return result?.granted === true ? at : null;
    }, channelId);
    if (pressedAt !== null) presses.push(pressedAt);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await sender.release(channelId);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const heard = await receiver.page.evaluate(() => window.benchAudio.onsets);
  await sender.page.context().close();
  await receiver.page.context().close();
  return pairOnsets(presses, heard);
}

function report(name: string, delays: number[]): ReturnType<typeof summarize> {
  const s = summarize(delays);
  console.log(
    `${name.padEnd(28)} n=${String(s.n).padStart(3)}  median ${fmt(s.median)}  p95 ${fmt(s.p95)}  min ${fmt(s.min)}  max ${fmt(s.max)}`,
  );
  return s;
}

async function main(): Promise<void> {
  const server = await startTestServer({ workers: 2, env: { SQUELCH_FLOOR_MAX_DURATION_MS: '600000' } });
  const browser = await launchChromium();
  try {
    const { eventId, channels } = await server.createChannels(['Bench']);
    const channelId = channels.Bench!;
    const alice = await server.createUser('Alice', eventId, [channelId]);
    const bob = await server.createUser('Bob', eventId, [channelId]);
    const tokens = async (): Promise<[string, string]> => [
      await server.token(alice),
      await server.token(bob),
    ];

    console.log(
      `mouth-to-ear: ${BURSTS} bursts of ${ON_MS} ms per path, ${PRESSES} presses; Opus ptime ${server.squelch.config.media.opusPtime} ms`,
    );
    const viaServer = report(
      'through Squelch, direct',
      await throughServer(server, browser.browser, channelId, await tokens()),
    );
    const p2p = report('peer-to-peer baseline', await peerToPeer(browser.browser, server.url));
    const press = report(
      'press-to-hear',
      await pressToHear(server, browser.browser, channelId, await tokens()),
    );
    console.log(`ratio server / p2p (median): ${(viaServer.median / p2p.median).toFixed(2)}`);
    console.log(`press-to-hear median ${fmt(press.median)} (target: well under 300 ms)`);
    if (viaServer.n < BURSTS * 0.75 || p2p.n < BURSTS * 0.75) {
      console.log('warning: fewer than 75 % of the bursts were paired; figures are less reliable');
    }
    for (const mode of MODES) {
      if (mode === 'cross-node') {
        await crossNode(browser.browser);
        continue;
      }
      const figures = report(`through Squelch, ${mode}`, await throughNetworkMode(mode));
      console.log(`ratio ${mode} / direct (median): ${(figures.median / viaServer.median).toFixed(2)}`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Onsets heard by each receiver page. */
async function heardBy(receivers: LabPage[]): Promise<number[][]> {
  return Promise.all(receivers.map((receiver) => receiver.page.evaluate(() => window.benchAudio.onsets)));
}

/**
 * Bursts and presses from a talker on node A, heard at once by a listener on A and a listener on B (two node
 * processes sharing Redis and PostgreSQL): same-node and cross-node figures from the same sounds.
 */
async function crossNode(browser: Browser): Promise<void> {
  const cluster = await startNodeCluster({
    nodeIds: ['node-a', 'node-b'],
    channels: ['Bench'],
    people: { Alice: ['Bench'], Bob: ['Bench'], Carol: ['Bench'] },
    env: { SQUELCH_FLOOR_MAX_DURATION_MS: '600000' },
  });
  const pages: LabPage[] = [];
  const open = async (name: string, node: number): Promise<LabPage> => {
    const page = new LabPage(await benchPage(browser, `${cluster.nodes[0]!.url}/lab.html`));
    pages.push(page);
    await page.connect(cluster.tokens[name]!, { rawMicrophone: true, urls: [cluster.wss[node]!] });
    return page;
  };
  const channelId = cluster.channels.Bench!;
  try {
    /** The talker on A and the listeners on A and B, joined, the listeners detecting onsets. */
    const setUp = async (): Promise<{ sender: LabPage; receivers: LabPage[] }> => {
      const sender = await open('Alice', 0);
      const receivers = [await open('Bob', 0), await open('Carol', 1)];
      for (const receiver of receivers) {
        await receiver.join(channelId);
        await receiver.page.evaluate(async (id) => {
          const track = window.lab.client()?.channelTrack(id);
          if (track === undefined) throw new Error('no channel track');
          await window.benchAudio.detect(track);
        }, channelId);
      }
      await sender.join(channelId);
      return { sender, receivers };
    };
    const closeAll = async (): Promise<void> => {
      for (const page of pages.splice(0)) await page.page.context().close();
    };

    const bursts = await setUp();
    await bursts.sender.page.evaluate(
      async ([count, on, off]) => {
        const track = await window.benchAudio.burstSource(1000, on, off, count);
        await window.lab.client()?.enableMicrophone(track);
        await window.benchAudio.detect('source');
      },
      [BURSTS, ON_MS, OFF_MS] as const,
    );
    if (!(await bursts.sender.press(channelId)).granted) throw new Error('floor not granted');
    await new Promise((resolve) => setTimeout(resolve, BURSTS * (ON_MS + OFF_MS) + 1500));
    await bursts.sender.release(channelId);
    const sent = await bursts.sender.page.evaluate(() => window.benchAudio.onsets);
    const [burstsSame, burstsCross] = (await heardBy(bursts.receivers)).map((heard) =>
      pairOnsets(sent, heard),
    );
    await closeAll();

    const presses = await setUp();
    await presses.sender.page.evaluate(async () => {
      await window.lab.client()?.enableMicrophone(await window.benchAudio.steadySource(1000));
    });
    const pressedAt: number[] = [];
    for (let i = 0; i < PRESSES; i += 1) {
      const at = await presses.sender.page.evaluate(async (id) => {
        const start = performance.timeOrigin + performance.now();
        const result = await window.lab.press(id);
        return result?.granted === true ? start : null;
      }, channelId);
      if (at !== null) pressedAt.push(at);
      await new Promise((resolve) => setTimeout(resolve, 700));
      await presses.sender.release(channelId);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const [pressSame, pressCross] = (await heardBy(presses.receivers)).map((heard) =>
      pairOnsets(pressedAt, heard),
    );
    await closeAll();

    const same = report('mouth-to-ear, same node', burstsSame ?? []);
    const cross = report('mouth-to-ear, cross-node', burstsCross ?? []);
    const pressSameNode = report('press-to-hear, same node', pressSame ?? []);
    const pressCrossNode = report('press-to-hear, cross-node', pressCross ?? []);
    console.log(
      `ratio cross-node / same-node (median): mouth-to-ear ${(cross.median / same.median).toFixed(2)}, ` +
        `press-to-hear ${(pressCrossNode.median / pressSameNode.median).toFixed(2)} (target ≤ 1.10)`,
    );
  } finally {
    for (const page of pages) await page.page.context().close();
    await cluster.stop();
  }
}

/** The burst measurement through a server of its own, over TURN/UDP, TURN/TCP or ICE-TCP. */
async function throughNetworkMode(mode: Mode): Promise<number[]> {
  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    const env: Record<string, string> = { SQUELCH_FLOOR_MAX_DURATION_MS: '600000' };
    let executablePath: string | undefined;
    if (mode === 'ice-tcp') {
      const namespace = createNamespace({ blockUdp: true });
      cleanup.push(() => namespace.remove());
      env.SQUELCH_HOST = namespace.hostIp;
      env.SQUELCH_RTC_LISTEN_IP = namespace.hostIp;
      executablePath = namespace.chromiumWrapper;
    } else {
      const coturn = await startCoturn();
      cleanup.push(() => coturn.stop());
      env.SQUELCH_TURN_URLS = mode === 'turn-udp' ? coturn.urls.udp : coturn.urls.tcp;
      env.SQUELCH_TURN_SECRET = coturn.secret;
    }
    const server = await startTestServer({ workers: 1, env });
    cleanup.push(() => server.stop());
    const browser = await launchChromium({ executablePath });
    cleanup.push(() => browser.close());
    const { eventId, channels } = await server.createChannels(['Bench']);
    const channelId = channels.Bench!;
    const alice = await server.createUser('Alice', eventId, [channelId]);
    const bob = await server.createUser('Bob', eventId, [channelId]);
    return await throughServer(
      server,
      browser.browser,
      channelId,
      [await server.token(alice), await server.token(bob)],
      mode === 'ice-tcp' ? 'all' : 'relay',
    );
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
