import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, toneFile } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startNodeCluster } from '../support/nodeCluster';
import type { NodeCluster } from '../support/nodeCluster';
import { LASTING_MS, Listener, longestStretch } from '../support/uiListener';
import type { SpectrumFrame } from '../support/uiListener';

/**
 * 30 rounds keep the suite's run near a minute (about 1–1.5 s a round on the shared 2-core machine); the
 * issue's 200 rounds take 4–5 minutes and run on demand: SQUELCH_CONTESTED_ROUNDS=200.
 */
const ROUNDS = Number(process.env.SQUELCH_CONTESTED_ROUNDS ?? 30);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  throw new Error('SQUELCH_CONTESTED_ROUNDS must be a whole number of rounds, at least 1');
}
const TONES = [440, 1000, 1800] as const;
type Band = '440' | '1000' | '1800';

/**
 * Three talkers, one per node, each with its own microphone tone (440 Hz on A, 1 kHz on B, 1.8 kHz on C),
 * press the same channel at the same moment, round after round; a listener on C records the spectrum of what
 * it hears. Each round exactly one press is granted, and the listener hears that talker's tone only — never
 * a second talker's audio mixed in. Three real node processes, real Chromium.
 */
describe('contested presses from three nodes', () => {
  let cluster: NodeCluster;
  const browsers: TestBrowser[] = [];
  const talkers: LabPage[] = [];
  let listener: Listener;
  let channelId: string;

  beforeAll(async () => {
    cluster = await startNodeCluster({
      nodeIds: ['node-a', 'node-b', 'node-c'],
      channels: ['Main stage'],
      people: { Gus: ['Main stage'], Gina: ['Main stage'], Cleo: ['Main stage'], Dana: ['Main stage'] },
    });
    channelId = cluster.channels['Main stage']!;
    for (const [index, name] of ['Gus', 'Gina', 'Cleo'].entries()) {
      const browser = await launchChromium({ audioFile: toneFile(TONES[index]) });
      browsers.push(browser);
      const page = new LabPage(await browser.page(`${cluster.nodes[index]!.url}/lab.html`));
      await page.connect(cluster.tokens[name]!, { rawMicrophone: true, urls: [cluster.wss[index]!] });
      await page.enableMicrophone();
      await page.join(channelId);
      talkers.push(page);
    }
    listener = await Listener.open(
      await browsers[0]!.browser.newPage({ ignoreHTTPSErrors: true }),
      cluster.nodes[2]!.url,
      cluster.tokens.Dana!,
    );
    await listener.join(channelId);
  }, 240_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await cluster?.stop();
  });

  it(
    `${ROUNDS} rounds: one grant per round, and only the winner's tone is heard`,
    async () => {
      const wins = [0, 0, 0];
      for (let round = 0; round < ROUNDS; round += 1) {
        const results = await Promise.all(talkers.map((talker) => talker.press(channelId)));
        const winners = results.flatMap((result, index) => (result.granted ? [index] : []));
        expect(winners, `round ${round}: ${JSON.stringify(results)}`).toHaveLength(1);
        const winner = winners[0]!;
        wins[winner] = (wins[winner] ?? 0) + 1;
        expect(await listener.waitFor(channelId, 'above', 5000)).not.toBeNull();
        const frames = await listener.spectrum(channelId, 300);
        const own = String(TONES[winner]) as Band;
        const others = TONES.filter((_, index) => index !== winner).map((tone) => String(tone) as Band);
        // The analyser starts on a zero-filled window: the first frames with sound hold the jump from zero (a
        // broadband click); from the fourth on (one 43 ms window later) the window is all received audio.
        let loud = frames.filter((frame) => frame.rms > 0.05).slice(3);
        // A loaded machine may deliver few analysis frames in 300 ms: listen once more rather than judge on few.
        if (loud.length <= 3) {
          const more = await listener.spectrum(channelId, 300);
          loud = loud.concat(more.filter((frame) => frame.rms > 0.05).slice(3));
        }
        expect(loud.length, `round ${round}: frames with sound`).toBeGreaterThan(3);
        // A second talker mixed in would sit within a few dB of the winner for as long as it lasts. A click
        // (the receiver's jitter buffer stretching or shortening audio) lifts every band in the frames of one
        // analysis window, 10-22 dB under the winner: every frame at least 10 dB apart, and no stretch closer
        // than 20 dB lasting LASTING_MS.
        const gap = (frame: SpectrumFrame) =>
          Math.min(...others.map((band) => frame.bands[own] - frame.bands[band]));
        for (const frame of loud)
          expect(gap(frame), `round ${round}: ${own} Hz over the other talkers' tones`).toBeGreaterThan(10);
        expect(
          longestStretch(loud, (frame) => gap(frame) <= 20).ms,
          `round ${round}: ms with another tone within 20 dB`,
        ).toBeLessThan(LASTING_MS);
        await talkers[winner]!.release(channelId);
        expect(await listener.waitFor(channelId, 'below', 3000)).not.toBeNull();
      }
      console.log(`wins per node (A, B, C) over ${ROUNDS} rounds: ${wins.join(', ')}`);
    },
    60_000 + ROUNDS * 3000,
  );
});
