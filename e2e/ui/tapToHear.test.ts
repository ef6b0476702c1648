import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabPage } from '../support/labPage';
import { installOutputTap, toneDb, measureOutput } from '../support/outputTap';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** The 1 kHz level of both speakers together, dB. */
/**
 * Without Chromium's autoplay exemption (the flag every other test passes): when the app starts again the
 * browser holds its sound back until a gesture; the app says "Tap to hear the radio", and one tap lets the
 * person hear the channel. Chromium exempts media elements playing a WebRTC stream from its rule, but not
 * Web Audio: the dispatch console (its mixer) and the feedback tones are what it silences, so the test hears
 * the console's speakers.
 */
describe('tap to hear the radio (real autoplay rules)', () => {
  let server: TestServer;
  let strict: UiBrowser;
  let talkerBrowser: UiBrowser;
  let gates: string;
  let users: Record<'dana' | 'tom', TestUser>;
  let talker: LabPage;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    strict = await launchUiBrowser({ autoplayAllowed: false });
    talkerBrowser = await launchUiBrowser();
    const made = await server.createChannels(['Gates']);
    gates = made.channels.Gates!;
    users = {
      dana: await server.createUser('Dana', made.eventId, [gates], 'dispatch'),
      tom: await server.createUser('Tom', made.eventId, [gates]),
    };
    const { page } = await talkerBrowser.person(server.url);
    await page.goto(`${server.url}/lab.html`);
    talker = new LabPage(page);
    await talker.connect(await server.token(users.tom));
    await talker.enableMicrophone();
    await talker.join(gates);
  });

  afterAll(async () => {
    await strict?.close();
    await talkerBrowser?.close();
    await server?.stop();
  });

  it('a new start shows "Tap to hear the radio"; one tap and the channel is heard', async () => {
    const { context, page: first } = await strict.person(server.url, {
      viewport: { width: 1600, height: 900 },
    });
    await installOutputTap(context);
    const signIn = new AppPage(first);
    await signIn.open(`${server.url}/`);
    await signIn.signIn(users.dana);
    await first.locator('.app[data-layout="grid"]').waitFor();
    await signIn.tile('Gates').getByRole('switch').click();
    await signIn.tile('Gates').getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    await first.close();

    // The app started again (a new tab; a reload of the same tab keeps Chromium's earlier gesture): still
    // signed in and on the channel, but no gesture on this document yet.
    // Playwright runs every wait and evaluation in a page as a user gesture, which would let an AudioContext
    // created after it start. Nothing may touch the page until the app has made its audio contexts (the
    // workspace's probe, 'playback'; the console's mixer, 'interactive'): the page says so on its console.
    await context.addInitScript(() => {
      const Original = window.AudioContext;
      window.AudioContext = class extends Original {
        constructor(options?: AudioContextOptions) {
          super(options);
          console.debug(`audio context created: ${String(options?.latencyHint)}`);
        }
      };
    });
    const page = await context.newPage();
    const created = new Set<string>();
    const contextsMade = new Promise<void>((resolve) => {
      page.on('console', (message) => {
        const match = /^audio context created: (\w+)$/.exec(message.text());
        if (match !== null) created.add(match[1]!);
        if (created.has('playback') && created.has('interactive')) resolve();
      });
    });
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await contextsMade;
    await app.waitConnected();
    await app.tile('Gates').getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    const banner = page.locator('[data-banner="tap-to-hear"]');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Tap to hear the radio');

    expect((await talker.press(gates)).granted).toBe(true);
    try {
      await app.tile('Gates').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 20_000 });
      // Held back: Tom is on the air, the speakers stay silent.
      await page.waitForTimeout(500);
      const before = toneDb(await measureOutput(page, 500));
      expect(before).toBeLessThan(-60);
      await screenshot(page, 'tap-to-hear');

      // One tap, and Dana hears Tom's 1 kHz tone.
      await banner.click();
      await banner.waitFor({ state: 'detached', timeout: 5_000 });
      await expect
        .poll(async () => toneDb(await measureOutput(page, 300)), { timeout: 5_000 })
        .toBeGreaterThan(-30);
    } finally {
      await talker.release(gates);
    }
  });
});
