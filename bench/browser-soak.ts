/**
 * The web app through a shift of accelerated traffic: a general page (phone layout, 2 channels) and a dispatch
 * page (20 channels) while talkers take turns every few seconds, both pages talk themselves, the pages lose
 * and regain the network (CDP offline → online, so the client reconnects or restarts ICE), and channels are
 * left and joined again. Every 10 s it samples each page through CDP after a forced garbage collection: JS heap
 * in use, DOM nodes, event listeners (Performance.getMetrics) and open RTCPeerConnections (counted by an init
 * script). Prints the figures after warm-up and at the end, and their growth (target ≤ 5 %).
 *
 *   npx tsx bench/browser-soak.ts                          (120 s, the last 60 s measured)
 *   BROWSER_SOAK_SECONDS=3600 npx tsx bench/browser-soak.ts (the hour the issue asks for)
 */
import type { CDPSession, Page } from 'playwright-core';
import { AppPage } from '../e2e/support/uiApp';
import { launchUiBrowser } from '../e2e/support/uiBrowser';
import { Listener } from '../e2e/support/uiListener';
import { startTestServer } from '../e2e/support/squelchServer';

const SECONDS = Number(process.env.BROWSER_SOAK_SECONDS ?? 120);
const CHANNELS = 20;
const SAMPLE_MS = 10_000;
/**
 * Warm-up: JIT, first connections, and the console's bounded lists filling (activity list 50 entries, each
 * tile's recent transmissions) take about two minutes of this traffic. A fifth of the run, at least 120 s, at
 * most half of it; BROWSER_SOAK_WARM_UP_SECONDS overrides.
 */
const WARM_UP_MS =
  Number(process.env.BROWSER_SOAK_WARM_UP_SECONDS ?? Math.min(SECONDS / 2, Math.max(120, SECONDS / 5))) *
  1000;

// Strings, not functions: tsx would wrap named functions in a helper the page does not have.
const COUNT_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  if (Original === undefined) return;
  const open = new Set();
  window.__openPeerConnections = () => {
    for (const pc of open) if (pc.connectionState === 'closed' || pc.signalingState === 'closed') open.delete(pc);
    return open.size;
  };
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      open.add(this);
    }
    close() {
      open.delete(this);
      return super.close();
    }
  };
})()`;

interface Sample {
  at: number;
  heapMb: number;
  nodes: number;
  listeners: number;
  peerConnections: number;
}

class Probe {
  readonly samples: Sample[] = [];
  /** Elements per tag and first class at the first sample after warm-up, to compare with the end. */
  census: Record<string, number> | undefined;
  private constructor(
    readonly name: string,
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {}

  static async open(name: string, page: Page): Promise<Probe> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    return new Probe(name, page, cdp);
  }

  async sample(started: number): Promise<Sample> {
    await this.cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
    const peerConnections = Number(
      await this.page.evaluate('window.__openPeerConnections ? window.__openPeerConnections() : -1'),
    );
    const sample = {
      at: Date.now() - started,
      heapMb: value('JSHeapUsedSize') / 1024 / 1024,
      nodes: value('Nodes'),
      listeners: value('JSEventListeners'),
      peerConnections,
    };
    this.samples.push(sample);
    return sample;
  }

  /** Elements in the page by tag and first class (what grows, when nodes grow). */
  async countElements(): Promise<Record<string, number>> {
    return this.page.evaluate<Record<string, number>>(`(() => {
      const counts = {};
      for (const element of document.querySelectorAll('*')) {
        const key = element.tagName.toLowerCase() + (element.classList[0] ? '.' + element.classList[0] : '');
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    })()`);
  }

  /** Offline for 3 s, then online: the client notices at once and reconnects or restarts ICE. */
  async dropNetwork(): Promise<void> {
    const conditions = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
    await this.cdp.send('Network.enable');
    await this.cdp.send('Network.emulateNetworkConditions', { offline: true, ...conditions });
    await this.page.waitForTimeout(3000);
    await this.cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

function report(probe: Probe): void {
  const warm = probe.samples.filter((sample) => sample.at >= WARM_UP_MS);
  if (warm.length < 4) {
    console.log(`${probe.name}: too few samples after warm-up (${warm.length}); run longer`);
    return;
  }
  // Medians of the first and last three samples after warm-up, so one sample mid-turn does not decide.
  const first = warm.slice(0, 3);
  const last = warm.slice(-3);
  const row = (label: string, key: keyof Sample, digits: number) => {
    const a = median(first.map((sample) => sample[key]));
    const b = median(last.map((sample) => sample[key]));
    const growth = a === 0 ? (b === 0 ? 0 : Infinity) : ((b - a) / a) * 100;
    console.log(
      `  ${label.padEnd(18)} ${a.toFixed(digits).padStart(8)} → ${b.toFixed(digits).padStart(8)}   ` +
        `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %${Math.abs(growth) > 5 ? '   (over 5 %)' : ''}`,
    );
  };
  console.log(`${probe.name} (${warm.length} samples after ${(WARM_UP_MS / 1000).toFixed(0)} s warm-up):`);
  row('JS heap (MB)', 'heapMb', 2);
  row('DOM nodes', 'nodes', 0);
  row('event listeners', 'listeners', 0);
  row('peer connections', 'peerConnections', 0);
}

/** The element kinds whose count changed most between the first sample after warm-up and the end. */
async function reportCensus(probe: Probe): Promise<void> {
  if (probe.census === undefined) return;
  const before = probe.census;
  const after = await probe.countElements();
  const changes = Object.keys({ ...before, ...after })
    .map((key) => ({ key, delta: (after[key] ?? 0) - (before[key] ?? 0) }))
    .filter((change) => change.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .slice(0, 6);
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
  console.log(
    `  elements in the document ${total(before)} → ${total(after)}` +
      (changes.length > 0
        ? `; most changed: ${changes.map((c) => `${c.key} ${c.delta > 0 ? '+' : ''}${c.delta}`).join(', ')}`
        : ''),
  );
}

async function main(): Promise<void> {
  const server = await startTestServer({ workers: 1 });
  const talkerBrowser = await launchUiBrowser();
  const appBrowser = await launchUiBrowser();
  let running = true;
  const loops: Promise<void>[] = [];
  try {
    const names = Array.from({ length: CHANNELS }, (_, i) => `Post ${String(i + 1).padStart(2, '0')}`);
    const made = await server.createChannels(names);
    const ids = names.map((name) => made.channels[name]!);
    const dana = await server.createUser('Dana', made.eventId, [], 'dispatch');
    const gus = await server.createUser('Gus', made.eventId, [ids[0]!, ids[1]!]);

    // Two talkers on the talker browser's lab pages, each over ten channels.
    const talkers: { listener: Listener; channels: string[] }[] = [];
    for (let t = 0; t < 2; t += 1) {
      const channels = ids.filter((_, i) => i % 2 === t);
      const user = await server.createUser(`Talker ${t + 1}`, made.eventId, channels);
      const listener = await Listener.open(
        (await talkerBrowser.person(server.url)).page,
        server.url,
        await server.token(user),
      );
      await listener.lab.enableMicrophone();
      talkers.push({ listener, channels });
    }

    // The general page: a phone, two channels, talking with the Space key.
    const general = await appBrowser.person(server.url, { viewport: { width: 412, height: 915 } });
    await general.page.addInitScript(COUNT_PEER_CONNECTIONS);
    const generalApp = new AppPage(general.page);
    await generalApp.open(`${server.url}/`);
    await generalApp.signIn(gus);
    await generalApp.waitJoined('Post 01');
    await generalApp.waitJoined('Post 02');

    // The dispatch page: all 20 channels joined.
    const dispatch = await appBrowser.person(server.url, { viewport: { width: 1920, height: 1080 } });
    await dispatch.page.addInitScript(COUNT_PEER_CONNECTIONS);
    const dispatchApp = new AppPage(dispatch.page);
    await dispatchApp.open(`${server.url}/`);
    await dispatchApp.signIn(dana);
    await dispatch.page.locator('.app[data-layout="grid"]').waitFor();
    const headphones = dispatch.page.getByRole('button', { name: 'Headphones' });
    if (await headphones.isVisible()) await headphones.click();
    for (const name of names) {
      await dispatchApp.tile(name).getByRole('switch').click();
      await dispatchApp.tile(name).getByRole('switch', { checked: true }).waitFor({ timeout: 30_000 });
    }
    const probes = [
      await Probe.open('general page', general.page),
      await Probe.open('dispatch page', dispatch.page),
    ];
    console.log(`browser soak: ${SECONDS} s, general page 2 channels, dispatch page ${CHANNELS} channels`);

    const started = Date.now();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const guarded = (name: string, loop: () => Promise<void>) =>
      loop().catch((error: unknown) => {
        if (running) console.error(`${name} stopped:`, error instanceof Error ? error.message : error);
      });

    // Talkers: a turn of 2 s on the next channel every 3 s; every tenth turn they leave and rejoin it.
    talkers.forEach(({ listener, channels }, index) => {
      loops.push(
        guarded(`talker ${index + 1}`, async () => {
          for (const channelId of channels) await listener.join(channelId);
          await pause(index * 1500);
          for (let turn = 0; running; turn += 1) {
            const channelId = channels[turn % channels.length]!;
            await listener.lab.press(channelId);
            await pause(2000);
            await listener.lab.release(channelId);
            if (turn % 10 === 9) {
              await listener.page.evaluate(async (id) => window.lab.leave(id), channelId);
              await listener.join(channelId);
            }
            await pause(1000);
          }
        }),
      );
    });

    // The general page talks with Space every 7 s; every 30 s it leaves and rejoins Post 02, every 40 s it
    // loses the network for 3 s.
    loops.push(
      guarded('general page', async () => {
        const page = general.page;
        for (let round = 1; running; round += 1) {
          await page.locator('body').click({ position: { x: 5, y: 5 } });
          await page.keyboard.down('Space');
          await pause(1500);
          await page.keyboard.up('Space');
          if (round % 4 === 0) {
            const row = generalApp.row('Post 02');
            await row.getByRole('switch').click();
            await row.getByRole('switch', { checked: false }).waitFor({ timeout: 15_000 });
            await row.getByRole('switch').click();
            await row.getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
          }
          if (round % 6 === 0) await probes[0]!.dropNetwork();
          await pause(5500);
        }
      }),
    );

    // The dispatch page talks on a tile every 9 s (pressed and held), leaves and rejoins a tile every 20 s,
    // and loses the network for 3 s every 45 s.
    loops.push(
      guarded('dispatch page', async () => {
        const page = dispatch.page;
        for (let round = 1; running; round += 1) {
          const name = names[(round * 7) % CHANNELS]!;
          const ptt = dispatchApp.tile(name).locator('.ptt');
          const center = await dispatchApp.center(ptt);
          await page.mouse.move(center.x, center.y);
          await page.mouse.down();
          await pause(1500);
          await page.mouse.up();
          if (round % 2 === 0) {
            const tile = dispatchApp.tile(names[(round * 3) % CHANNELS]!);
            await tile.getByRole('switch').click();
            await tile.getByRole('switch', { checked: false }).waitFor({ timeout: 15_000 });
            await tile.getByRole('switch').click();
            await tile.getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
          }
          if (round % 5 === 0) await probes[1]!.dropNetwork();
          await pause(7500);
        }
      }),
    );

    while (Date.now() - started < SECONDS * 1000) {
      await pause(SAMPLE_MS);
      const line = await Promise.all(
        probes.map(async (probe) => {
          const sample = await probe.sample(started);
          if (probe.census === undefined && sample.at >= WARM_UP_MS)
            probe.census = await probe.countElements();
          return `${probe.name}: ${sample.heapMb.toFixed(1)} MB, ${sample.nodes} nodes, ${sample.listeners} listeners, ${sample.peerConnections} pc`;
        }),
      );
      console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  ${line.join(' | ')}`);
    }
    running = false;
    await Promise.allSettled(loops);
    for (const probe of probes) {
      report(probe);
      await reportCensus(probe);
    }
  } finally {
    running = false;
    await Promise.allSettled(loops);
    await appBrowser.close();
    await talkerBrowser.close();
    await server.stop();
  }
}

await main();
