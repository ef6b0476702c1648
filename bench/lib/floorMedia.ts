/**
 * The part of the floor benchmark that needs real audio: pre-emption as a listener hears it, and the release of
 * a silent holder. Real Chromium pages (the lab page) talk and listen through the nodes under test:
 *
 * - a general user on node 1 whose microphone plays 440 Hz, a dispatcher on node 2 whose microphone plays
 *   1 kHz, and a listener on each node. Each listener page watches its channel's received audio for the two
 *   tones (an AnalyserNode, 1024-sample window, read every 5 ms) and notes, on the machine's clock, when each
 *   tone starts and stops being heard — the tone tells who is heard;
 * - pre-emption round: the general user talks, the dispatcher presses; measured from the dispatcher's press:
 *   granted (dispatcher), floorRevoked 'preempted' at the general user (their node closes the talk gate just
 *   before sending it), the general user's tone gone and the dispatcher's tone heard at each listener;
 * - silent-holder round: the general user talks, then their page stops sending RTP (the producer pauses, the
 *   socket and heartbeats go on); measured at each listener: the channel idle after the last RTP packet it
 *   received (the browser's own inbound-rtp lastPacketReceivedTimestamp).
 */
// Brings the lab page's `window.lab` declaration into type checking.
import type {} from '../../packages/web/src/lab/main';
import type { Page } from 'playwright-core';
import { launchChromium, toneFile } from '../../e2e/support/browser';
import type { TestBrowser } from '../../e2e/support/browser';
import { LabPage } from '../../e2e/support/labPage';

export interface MediaBenchSetup {
  /** Node 1 and node 2. */
  urls: [string, string];
  channelId: string;
  tokens: { general: string; dispatcher: string; listener1: string; listener2: string };
  preemptionRounds: number;
  silentRounds: number;
  /** Registers a step to run when the benchmark stops (also on failure). */
  onCleanup(step: () => Promise<void> | void): void;
}

export interface MediaBenchResult {
  preemption: {
    granted: number[];
    revoked: number[];
    /** Per listener (index 0: node 1, 1: node 2). */
    generalGone: [number[], number[]];
    dispatcherHeard: [number[], number[]];
    /** Dispatcher first heard minus general last heard: > 0 a gap of silence, < 0 both heard at once. */
    switchGap: [number[], number[]];
    failures: Map<string, number>;
  };
  silent: {
    /** Channel idle seen by the listener after the last RTP packet it received. */
    release: [number[], number[]];
    failures: Map<string, number>;
  };
}

interface BandEvent {
  hz: 440 | 1000;
  on: boolean;
  t: number;
}

interface PageWindow {
  benchBands: BandEvent[];
  benchIdle: number[];
  benchTransmit: { state: string; reason?: string; t: number }[];
}

const STEP_TIMEOUT_MS = 10_000;
/**
 * The analyser's window (1024 samples at 48 kHz). A tone is "heard" as soon as it enters the window but
 * "gone" only once it has left it entirely: the moment it was last heard is one window before "gone".
 */
const WINDOW_MS = (1024 / 48_000) * 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** In a listener page: watch the channel's received audio for 440 Hz and 1 kHz, and the channel turning idle. */
async function installListenerProbes(page: Page, channelId: string): Promise<void> {
  await page.evaluate(async (id) => {
    const win = window as unknown as PageWindow;
    const client = window.lab.client();
    const track = client?.channelTrack(id);
    if (client === undefined || track === undefined) throw new Error(`no track for channel ${id}`);
    win.benchBands = [];
    win.benchIdle = [];
    let last = client.channel(id)?.floor.state;
    client.on('channel', (view) => {
      if (view.channelId !== id) return;
      if (view.floor.state === 'idle' && last !== 'idle') win.benchIdle.push(Date.now());
      last = view.floor.state;
    });
    const context = new AudioContext({ sampleRate: 48000 });
    await context.resume();
    const stream = new MediaStream([track]);
    // Chromium feeds Web Audio from a remote track only while a media element plays it.
    const element = new Audio();
    element.muted = true;
    element.srcObject = stream;
    await element.play().catch(() => undefined);
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    analyser.smoothingTimeConstant = 0;
    context.createMediaStreamSource(stream).connect(analyser);
    const data = new Float32Array(analyser.frequencyBinCount);
    const binHz = 48000 / analyser.fftSize;
    const heard: Record<440 | 1000, boolean> = { 440: false, 1000: false };
    (win as unknown as { benchKeep: unknown[] }).benchKeep = [context, element, analyser];
    setInterval(() => {
      analyser.getFloatFrequencyData(data);
      for (const hz of [440, 1000] as const) {
        const bin = Math.round(hz / binHz);
        const db = Math.max(data[bin - 1] ?? -200, data[bin] ?? -200, data[bin + 1] ?? -200);
        // Hysteresis: heard above -50 dB, gone below -70 dB (silence is near -100).
        if (!heard[hz] && db > -50) {
          heard[hz] = true;
          win.benchBands.push({ hz, on: true, t: Date.now() });
        } else if (heard[hz] && db < -70) {
          heard[hz] = false;
          win.benchBands.push({ hz, on: false, t: Date.now() });
        }
      }
    }, 5);
  }, channelId);
}

/** In a talker page: note each transmit event with its time. */
async function installTalkerProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const win = window as unknown as PageWindow;
    win.benchTransmit = [];
    window.lab.client()?.on('transmit', (event) => {
      win.benchTransmit.push({
        state: event.state,
        ...('reason' in event ? { reason: event.reason } : {}),
        t: Date.now(),
      });
    });
  });
}

const bands = (page: Page): Promise<BandEvent[]> =>
  page.evaluate(() => (window as unknown as PageWindow).benchBands);
const idles = (page: Page): Promise<number[]> =>
  page.evaluate(() => (window as unknown as PageWindow).benchIdle);
const transmits = (page: Page): Promise<PageWindow['benchTransmit']> =>
  page.evaluate(() => (window as unknown as PageWindow).benchTransmit);

/** Polls until `find` returns a value; throws `what` after the step timeout. */
async function waitFor<T>(what: string, find: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(what);
    await sleep(20);
  }
}

/** The first band event of `hz` turning `on` at or after `since`. */
const bandEvent = async (
  page: Page,
  hz: 440 | 1000,
  on: boolean,
  since: number,
): Promise<number | undefined> =>
  (await bands(page)).find((event) => event.hz === hz && event.on === on && event.t >= since)?.t;

/** The last RTP packet the page received on its receive transport (its clock, epoch ms). */
async function lastPacketAt(page: Page): Promise<number | undefined> {
  return page.evaluate(async () => {
    const recv = window.lab.client()?.mediaLink?.transports.recv;
    if (recv === undefined) return undefined;
    let last: number | undefined;
    (await recv.getStats()).forEach((stat: Record<string, unknown>) => {
      const at = stat.lastPacketReceivedTimestamp;
      if (stat.type === 'inbound-rtp' && typeof at === 'number') last = Math.max(last ?? 0, at);
    });
    return last;
  });
}

export async function runMediaRounds(setup: MediaBenchSetup): Promise<MediaBenchResult> {
  const result: MediaBenchResult = {
    preemption: {
      granted: [],
      revoked: [],
      generalGone: [[], []],
      dispatcherHeard: [[], []],
      switchGap: [[], []],
      failures: new Map(),
    },
    silent: { release: [[], []], failures: new Map() },
  };
  const generalBrowser: TestBrowser = await launchChromium({ audioFile: toneFile(440) });
  setup.onCleanup(() => generalBrowser.close());
  const dispatchBrowser: TestBrowser = await launchChromium({ audioFile: toneFile(1000) });
  setup.onCleanup(() => dispatchBrowser.close());
  const open = async (browser: TestBrowser, url: string, token: string, talks: boolean): Promise<LabPage> => {
    const page = new LabPage(await browser.page(`${url}/lab.html`));
    await page.connect(token);
    if (talks) await page.enableMicrophone();
    await page.join(setup.channelId);
    return page;
  };
  const [node1, node2] = setup.urls;
  const general = await open(generalBrowser, node1, setup.tokens.general, true);
  const dispatcher = await open(dispatchBrowser, node2, setup.tokens.dispatcher, true);
  const listeners = [
    await open(generalBrowser, node1, setup.tokens.listener1, false),
    await open(generalBrowser, node2, setup.tokens.listener2, false),
  ] as const;
  await installTalkerProbe(general.page);
  for (const listener of listeners) await installListenerProbes(listener.page, setup.channelId);
  const channelId = setup.channelId;

  /** The general user talks until both listeners hear 440 Hz; returns when it started. */
  const generalTalks = async (): Promise<void> => {
    const since = Date.now();
    const answer = await general.press(channelId);
    if (!answer.granted) throw new Error(`general press answered ${answer.reason ?? 'not granted'}`);
    for (const listener of listeners) {
      await waitFor('the listener never heard the general user', () =>
        bandEvent(listener.page, 440, true, since),
      );
    }
    await sleep(300);
  };
  const fail = (failures: Map<string, number>, error: unknown): void => {
    const what = error instanceof Error ? error.message : String(error);
    failures.set(what, (failures.get(what) ?? 0) + 1);
  };
  /** Both talkers let go and the channel is quiet at both listeners. */
  const settle = async (): Promise<void> => {
    await general.release(channelId).catch(() => undefined);
    await dispatcher.release(channelId).catch(() => undefined);
    for (const listener of listeners) await listener.waitForLevel(channelId, 'below', 0.01, STEP_TIMEOUT_MS);
    await sleep(100);
  };

  for (let round = 0; round < setup.preemptionRounds; round += 1) {
    const samples = result.preemption;
    try {
      await generalTalks();
      const press = await dispatcher.page.evaluate(async (id) => {
        const pressedAt = Date.now();
        const answer = await window.lab.press(id);
        return { pressedAt, grantedAt: Date.now(), granted: answer?.granted === true };
      }, channelId);
      if (!press.granted) throw new Error('dispatcher press not granted');
      const { pressedAt } = press;
      const revokedAt = await waitFor(
        'the general user was never told preempted',
        async () =>
          (await transmits(general.page)).find(
            (event) => event.state === 'ended' && event.reason === 'preempted' && event.t >= pressedAt,
          )?.t,
      );
      const heard: { gone: number; heard: number }[] = [];
      for (const listener of listeners) {
        const gone = await waitFor("the general user's tone never stopped", () =>
          bandEvent(listener.page, 440, false, pressedAt - 50),
        );
        const dispatcherFrom = await waitFor("the dispatcher's tone was never heard", () =>
          bandEvent(listener.page, 1000, true, pressedAt),
        );
        heard.push({ gone: gone - WINDOW_MS, heard: dispatcherFrom });
      }
      samples.granted.push(press.grantedAt - pressedAt);
      samples.revoked.push(revokedAt - pressedAt);
      for (const [index, seen] of heard.entries()) {
        samples.generalGone[index as 0 | 1].push(seen.gone - pressedAt);
        samples.dispatcherHeard[index as 0 | 1].push(seen.heard - pressedAt);
        samples.switchGap[index as 0 | 1].push(seen.heard - seen.gone);
      }
    } catch (error) {
      fail(samples.failures, error);
    }
    await settle().catch((error: unknown) => fail(samples.failures, error));
  }

  for (let round = 0; round < setup.silentRounds; round += 1) {
    const samples = result.silent;
    try {
      await generalTalks();
      const stoppedAt = await general.page.evaluate(() => {
        window.lab.client()?.mediaLink?.producer?.pause();
        return Date.now();
      });
      for (const [index, listener] of listeners.entries()) {
        const idleAt = await waitFor('the channel never went idle', async () =>
          (await idles(listener.page)).find((at) => at >= stoppedAt - 100),
        );
        const lastAt = await lastPacketAt(listener.page);
        if (lastAt === undefined) throw new Error('no RTP packet was received');
        samples.release[index as 0 | 1].push(idleAt - lastAt);
      }
      await waitFor('the general user was never told media_timeout', async () =>
        (await transmits(general.page)).find(
          (event) => event.state === 'ended' && event.reason === 'media_timeout' && event.t >= stoppedAt,
        ),
      );
    } catch (error) {
      fail(samples.failures, error);
    }
    await settle().catch((error: unknown) => fail(samples.failures, error));
  }
  return result;
}
