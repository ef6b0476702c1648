import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

const REJOINS = 12;

/**
 * A shift of leaving and joining channels must not pile up media elements: Chromium keeps every element that
 * once played a received stream alive after it is released (one more per leave and join, measured), so the
 * client reuses its players. Real Chromium, the app on a phone-sized page, a talker on a lab page: after a
 * dozen leaves and joins the page has used no more players than channels (plus one), and the channel is
 * still heard through its player.
 */
describe('players reused across leaves and joins', () => {
  let server: TestServer;
  let appBrowser: UiBrowser;
  let talkerBrowser: UiBrowser;
  let talker: Listener;
  let stage: string;
  let appPage: Page;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    appBrowser = await launchUiBrowser();
    talkerBrowser = await launchUiBrowser();
    const made = await server.createChannels(['Gates', 'Stage']);
    stage = made.channels.Stage!;
    const ids = [made.channels.Gates!, stage];
    const gus = await server.createUser('Gus', made.eventId, ids);
    const tom = await server.createUser('Tom', made.eventId, ids);
    talker = await Listener.open(
      (await talkerBrowser.person(server.url)).page,
      server.url,
      await server.token(tom),
    );
    await talker.lab.enableMicrophone();
    await talker.join(stage);

    const { page } = await appBrowser.person(server.url, { viewport: { width: 412, height: 915 } });
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(gus);
    await app.waitJoined('Gates');
    await app.waitJoined('Stage');
    for (let round = 0; round < REJOINS; round += 1) {
      const row = app.row('Stage');
      await row.getByRole('switch').click();
      await row.getByRole('switch', { checked: false }).waitFor({ timeout: 15_000 });
      await row.getByRole('switch').click();
      await row.getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    }
    appPage = page;
  }, 240_000);

  afterAll(async () => {
    await appBrowser?.close();
    await talkerBrowser?.close();
    await server?.stop();
  });

  it(`after ${REJOINS} leaves and joins: no more players than channels + 1, and the channel is heard`, async () => {
    // Every media element that ever played in the page (recorded by the test browser), less the tones.
    const players = await appPage.evaluate(
      () =>
        [...(window as unknown as { __mediaElements: Set<HTMLMediaElement> }).__mediaElements].filter(
          (element) => element.dataset.tone === undefined,
        ).length,
    );
    expect(players).toBeGreaterThanOrEqual(2);
    expect(players).toBeLessThanOrEqual(3);

    // Tom talks on Stage: the page's playing players carry his 1 kHz tone.
    expect((await talker.lab.press(stage)).granted).toBe(true);
    try {
      const heardDb = await appPage.evaluate(async () => {
        const elements = [
          ...(window as unknown as { __mediaElements: Set<HTMLMediaElement> }).__mediaElements,
        ];
        const context = new AudioContext();
        await context.resume();
        let best = -200;
        const deadline = performance.now() + 5000;
        while (performance.now() < deadline && best < -50) {
          for (const element of elements) {
            if (element.paused || !(element.srcObject instanceof MediaStream)) continue;
            if (element.srcObject.getAudioTracks().length === 0) continue;
            const analyser = context.createAnalyser();
            analyser.fftSize = 2048;
            const source = context.createMediaStreamSource(element.srcObject);
            source.connect(analyser);
            await new Promise((resolve) => setTimeout(resolve, 300));
            const bins = new Float32Array(analyser.frequencyBinCount);
            analyser.getFloatFrequencyData(bins);
            const center = Math.round(1000 / (context.sampleRate / analyser.fftSize));
            for (let bin = center - 2; bin <= center + 2; bin += 1) best = Math.max(best, bins[bin] ?? -200);
            source.disconnect();
          }
        }
        await context.close();
        return best;
      });
      // Heard: a talker's tone arrives near -20 to -35 dB, silence below -100.
      expect(heardDb).toBeGreaterThan(-50);
    } finally {
      await talker.lab.release(stage);
    }
  });
});
