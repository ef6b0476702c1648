import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox } from '../support/firefox';
import type { TestFirefox } from '../support/firefox';
import { FirefoxApp, FirefoxListener } from '../support/firefoxApp';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** Firefox's fake microphone plays this; Chromium's plays the suite's 1 kHz file. Tells the talkers apart. */
const FIREFOX_TONE_HZ = 700;

/**
 * Firefox and Chromium on one channel through a real Squelch (mediasoup on 127.0.0.1): each talks through
 * the app's UI and the other hears it. Firefox's fake tone is quieter (RMS ≈ 0.07 against Chromium's 0.35),
 * so levels are compared against a lower threshold, and the tone is recognised by its frequency.
 */
describe('Firefox and Chromium on one channel', () => {
  let server: TestServer;
  let chromium: UiBrowser;
  let firefox: TestFirefox;
  let gates: string;
  let users: Record<'fiona' | 'chris' | 'lena' | 'felix' | 'late', TestUser>;
  let fiona: FirefoxApp;
  let chris: AppPage;
  let chromiumListener: Listener;
  let firefoxListener: FirefoxListener;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    const made = await server.createChannels(['Gates']);
    gates = made.channels.Gates!;
    users = {
      fiona: await server.createUser('Fiona', made.eventId, [gates]),
      chris: await server.createUser('Chris', made.eventId, [gates]),
      lena: await server.createUser('Lena', made.eventId, [gates]),
      felix: await server.createUser('Felix', made.eventId, [gates]),
      late: await server.createUser('Laura', made.eventId, [gates]),
    };
    [chromium, firefox] = await Promise.all([launchUiBrowser(), launchFirefox({ toneHz: FIREFOX_TONE_HZ })]);

    fiona = new FirefoxApp(await firefox.person());
    await fiona.open(`${server.url}/`);
    await fiona.signIn(users.fiona);
    await fiona.useRawMicrophone();
    await fiona.selectTalkChannel('Gates');

    const { page } = await chromium.person(server.url);
    chris = new AppPage(page);
    await chris.open(`${server.url}/`);
    await chris.signIn(users.chris);
    await chris.useRawMicrophone();
    await chris.selectTalkChannel('Gates');
    await chris.waitJoined('Gates');

    const lena = await chromium.person(server.url);
    chromiumListener = await Listener.open(lena.page, server.url, await server.token(users.lena));
    await chromiumListener.join(gates);
    firefoxListener = await FirefoxListener.open(
      await firefox.person(),
      server.url,
      await server.token(users.felix),
    );
    await firefoxListener.join(gates);
  });

  afterEach(async () => {
    await fiona?.release().catch(() => undefined);
    await chris?.page.mouse.up().catch(() => undefined);
  });

  afterAll(async () => {
    await firefox?.close();
    await chromium?.close();
    await server?.stop();
  });

  it('a Firefox talker is heard by a Chromium listener, and silence follows the release', async () => {
    expect(await fiona.buttonState()).toBe('idle');
    await fiona.press();
    await fiona.waitButtonState('transmitting');
    const heardAfter = await chromiumListener.lab.waitForLevel(gates, 'above', 0.02, 8000);
    expect(heardAfter).not.toBeNull();
    const heard = await chromiumListener.lab.measure(gates, 1000);
    expect(heard.rms).toBeGreaterThan(0.02);
    expect(Math.abs(heard.peakHz - FIREFOX_TONE_HZ)).toBeLessThan(40);
    // The Firefox listener hears its fellow Firefox talker too.
    expect((await firefoxListener.measure(gates, 600)).rms).toBeGreaterThan(0.02);

    await fiona.release();
    await fiona.waitButtonState('idle');
    expect(await chromiumListener.lab.waitForLevel(gates, 'below', 0.005, 3000)).not.toBeNull();
    expect((await chromiumListener.lab.measure(gates, 600)).rms).toBeLessThan(0.005);
  });

  it('a Chromium talker is heard by a Firefox listener, and silence follows the release', async () => {
    const center = await chris.center(chris.talkButton());
    await chris.page.mouse.move(center.x, center.y);
    await chris.page.mouse.down();
    await chris.waitButtonState('transmitting');
    expect(await firefoxListener.waitForLevel(gates, 'above', 0.05, 8000)).not.toBeNull();
    const heard = await firefoxListener.measure(gates, 1000);
    expect(heard.rms).toBeGreaterThan(0.05);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThan(40);

    await chris.page.mouse.up();
    await chris.waitButtonState('idle');
    expect(await firefoxListener.waitForLevel(gates, 'below', 0.005, 3000)).not.toBeNull();
    expect((await firefoxListener.measure(gates, 600)).rms).toBeLessThan(0.005);
  });

  it('busy: a Firefox press while Chromium speaks is refused and sends nothing', async () => {
    const center = await chris.center(chris.talkButton());
    await chris.page.mouse.move(center.x, center.y);
    await chris.page.mouse.down();
    await chris.waitButtonState('transmitting');
    await fiona.waitButtonState('busy');
    await fiona.press();
    await fiona.page.waitForSelector('.talk-dock .notice[data-kind="busy"]', { timeout: 5000 });
    expect(await fiona.buttonState()).not.toBe('transmitting');
    // What the Chromium listener hears is still Chromium's 1 kHz, never Firefox's tone.
    const heard = await chromiumListener.lab.measure(gates, 1000);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThan(40);
    await fiona.release();
    await chris.page.mouse.up();
    await chris.waitButtonState('idle');
  });

  it('late entry: a Firefox listener joining while Chromium speaks hears the rest of it', async () => {
    const center = await chris.center(chris.talkButton());
    await chris.page.mouse.move(center.x, center.y);
    await chris.page.mouse.down();
    await chris.waitButtonState('transmitting');
    await chris.page.waitForTimeout(300);
    const late = await FirefoxListener.open(
      await firefox.person(),
      server.url,
      await server.token(users.late),
    );
    const joinedAt = Date.now();
    await late.join(gates);
    const heardAfter = await late.waitForLevel(gates, 'above', 0.05, 8000);
    expect(heardAfter).not.toBeNull();
    console.log(`late Firefox listener: audio ${Date.now() - joinedAt} ms after joining mid-transmission`);
    expect(Math.abs((await late.measure(gates, 800)).peakHz - 1000)).toBeLessThan(40);
    await chris.page.mouse.up();
    await chris.waitButtonState('idle');
  });
});
