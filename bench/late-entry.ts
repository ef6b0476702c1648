/**
 * Late entry: joining a channel while someone talks on it → the first audio heard, same node and cross-node,
 * in one run.
 *
 *   npx tsx bench/late-entry.ts        (JOINS=20 by default; needs a built web app)
 *
 * Two Squelch node processes on one Redis and PostgreSQL. A talker on node A holds the floor with a steady
 * 1 kHz tone for the whole run. Two listener pages (lab page, onset detector on the channel's track), one
 * connected to node A and one to node B, take turns: join the channel, wait until the tone is heard, leave,
 * wait. Timed from the join() call: the join's answer (round trip, consumer made and consumed) and the first
 * onset heard. On node B every join is the channel's first listener there, so each join also creates the
 * channel's stream on B and the pipe from A (the onset includes the pipe's setup). The detector is attached
 * as soon as join() resolves, so audio that arrived before that would be timed late, never early.
 * Prints p50 / p95 of each.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../e2e/support/browser';
import { LabPage } from '../e2e/support/labPage';
import { startNodeCluster } from '../e2e/support/nodeCluster';
import { pageAudioScript } from './lib/pageAudio';
import { fmt, summarize } from './lib/stats';

const JOINS = Number(process.env.JOINS ?? 20);
const LISTEN_MS = 1200;
const GAP_MS = 800;

function report(name: string, values: number[]): ReturnType<typeof summarize> {
  const s = summarize(values);
  console.log(
    `${name.padEnd(34)} n=${String(s.n).padStart(3)}  p50 ${fmt(s.median)}  p95 ${fmt(s.p95)}  min ${fmt(s.min)}  max ${fmt(s.max)}`,
  );
  return s;
}

async function benchPage(browser: Browser, url: string): Promise<LabPage> {
  // The detector's AudioWorklet comes from a blob: URL, which the page's Content-Security-Policy forbids.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true });
  await context.addInitScript(pageAudioScript);
  const page = await context.newPage();
  await page.goto(url);
  return new LabPage(page);
}

/** Joins, attaches the detector, waits for the tone; the join's answer and the first onset, from the call. */
async function lateEntry(listener: LabPage, channelId: string): Promise<{ answered: number; heard: number }> {
  return listener.page.evaluate(
    async ([id, listenMs]) => {
      const before = window.benchAudio.onsets.length;
      const start = performance.timeOrigin + performance.now();
      await window.lab.join(id);
      const answered = performance.timeOrigin + performance.now();
      const track = window.lab.client()?.channelTrack(id);
      if (track === undefined) throw new Error('no channel track');
      await window.benchAudio.detect(track);
      await new Promise((resolve) => setTimeout(resolve, listenMs));
      const onset = window.benchAudio.onsets.slice(before).find((at) => at >= start);
      await window.lab.leave(id);
      return { answered: answered - start, heard: onset === undefined ? NaN : onset - start };
    },
    [channelId, LISTEN_MS] as const,
  );
}

async function main(): Promise<void> {
  const cluster = await startNodeCluster({
    nodeIds: ['node-a', 'node-b'],
    channels: ['Bench'],
    people: { Alice: ['Bench'], Bob: ['Bench'], Carol: ['Bench'] },
    env: { SQUELCH_FLOOR_MAX_DURATION_MS: '600000' },
  });
  const browser = await launchChromium();
  const channelId = cluster.channels.Bench!;
  try {
    const origin = `${cluster.nodes[0]!.url}/lab.html`;
    const talker = await benchPage(browser.browser, origin);
    await talker.connect(cluster.tokens.Alice!, { rawMicrophone: true, urls: [cluster.wss[0]!] });
    await talker.page.evaluate(async () => {
      await window.lab.client()?.enableMicrophone(await window.benchAudio.steadySource(1000));
    });
    await talker.join(channelId);
    if (!(await talker.press(channelId)).granted) throw new Error('floor not granted');
    const listeners = {
      same: await benchPage(browser.browser, origin),
      cross: await benchPage(browser.browser, origin),
    };
    await listeners.same.connect(cluster.tokens.Bob!, { rawMicrophone: true, urls: [cluster.wss[0]!] });
    await listeners.cross.connect(cluster.tokens.Carol!, { rawMicrophone: true, urls: [cluster.wss[1]!] });

    console.log(`late entry: ${JOINS} joins per listener while a talker on node A holds the floor`);
    const figures = {
      same: { answered: [] as number[], heard: [] as number[] },
      cross: { answered: [] as number[], heard: [] as number[] },
    };
    let missed = { same: 0, cross: 0 };
    for (let i = 0; i < JOINS; i += 1) {
      for (const where of ['same', 'cross'] as const) {
        const result = await lateEntry(listeners[where], channelId);
        figures[where].answered.push(result.answered);
        if (Number.isNaN(result.heard)) missed = { ...missed, [where]: missed[where] + 1 };
        else figures[where].heard.push(result.heard);
        await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      }
    }
    report('same node: join → answered', figures.same.answered);
    const same = report('same node: join → first audio', figures.same.heard);
    report('cross-node: join → answered', figures.cross.answered);
    const cross = report('cross-node: join → first audio', figures.cross.heard);
    console.log(
      `not heard within ${LISTEN_MS} ms: same node ${missed.same}, cross-node ${missed.cross}; ` +
        `p50 same ${fmt(same.median)}, cross ${fmt(cross.median)} (target ≤ 150 ms)`,
    );
    await talker.release(channelId);
  } finally {
    await browser.close();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
