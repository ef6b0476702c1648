import { devices } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabPage } from '../support/labPage';
import { installOutputTap, heardAfter } from '../support/outputTap';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

declare global {
  interface Window {
    /** Screen wake lock requests the page made (recorded by the test's init script). */
    wakeLockRequests?: number;
    /** Hides the page as a phone does when its screen turns off, or shows it again. */
    setHidden?: (hidden: boolean) => void;
  }
}

/**
 * Records every `navigator.wakeLock.request()` and lets the test hide and show the page. Headless Chromium
 * keeps every page visible, so hiding is emulated the way the browser does it: visibilityState says
 * 'hidden', every held wake lock is released, and visibilitychange fires.
 */
const WAKE_LOCK_RECORDER = `
  (() => {
    window.wakeLockRequests = 0;
    let hidden = false;
    const held = [];
    Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { get: () => hidden });
    if (navigator.wakeLock) {
      const request = navigator.wakeLock.request.bind(navigator.wakeLock);
      navigator.wakeLock.request = async (type) => {
        window.wakeLockRequests += 1;
        const sentinel = await request(type);
        held.push(sentinel);
        return sentinel;
      };
    }
    window.setHidden = (value) => {
      hidden = value;
      if (value) for (const sentinel of held.splice(0)) void sentinel.release();
      document.dispatchEvent(new Event('visibilitychange'));
    };
  })();
`;

/** The 1 kHz level of both speakers together, dB. */
/** A whole shift on a phone: the screen is kept on while listening, and a frozen page hears again at once. */
describe('page lifecycle: screen wake lock and freeze/resume', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let gates: string;
  let users: Record<'gina' | 'dana' | 'tom', TestUser>;
  let talker: LabPage;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates']);
    gates = made.channels.Gates!;
    users = {
      gina: await server.createUser('Gina', made.eventId, [gates]),
      dana: await server.createUser('Dana', made.eventId, [gates], 'dispatch'),
      tom: await server.createUser('Tom', made.eventId, [gates]),
    };
    const { page } = await browser.person(server.url);
    await page.goto(`${server.url}/lab.html`);
    talker = new LabPage(page);
    await talker.connect(await server.token(users.tom));
    await talker.enableMicrophone();
    await talker.join(gates);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for a screen wake lock while listening on a phone, again after the page was hidden and shown; the media notification names who speaks', async () => {
    const { 'Pixel 7': phone } = devices;
    const { context, page } = await browser.person(server.url, { ...phone });
    await context.grantPermissions(['screen-wake-lock'], { origin: server.url });
    await context.addInitScript({ content: WAKE_LOCK_RECORDER });
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(users.gina);
    await app.waitJoined('Gates');
    await expect.poll(() => page.evaluate(() => window.wakeLockRequests ?? 0)).toBeGreaterThanOrEqual(1);
    await page.locator('.app[data-screen-on="true"]').waitFor({ timeout: 5_000 });
    const first = await page.evaluate(() => window.wakeLockRequests ?? 0);

    // The screen turns off: the browser releases the lock. On again: the app asks again at once.
    await page.evaluate(() => window.setHidden?.(true));
    await page.locator('.app[data-screen-on="false"]').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => window.wakeLockRequests ?? 0)).toBe(first);
    await page.evaluate(() => window.setHidden?.(false));
    await expect.poll(() => page.evaluate(() => window.wakeLockRequests ?? 0)).toBe(first + 1);
    await page.locator('.app[data-screen-on="true"]').waitFor({ timeout: 5_000 });

    // The lock screen's media notification names the channel and who is speaking.
    const metadata = () =>
      page.evaluate(() => {
        const data = navigator.mediaSession.metadata;
        return data === null ? null : { title: data.title, artist: data.artist };
      });
    expect(await metadata()).toEqual({ title: 'Gates', artist: 'Listening on 1 channel' });
    expect((await talker.press(gates)).granted).toBe(true);
    try {
      await expect.poll(metadata, { timeout: 10_000 }).toEqual({ title: 'Tom speaking', artist: 'Gates' });
    } finally {
      await talker.release(gates);
    }
    await expect
      .poll(metadata, { timeout: 10_000 })
      .toEqual({ title: 'Gates', artist: 'Listening on 1 channel' });

    // Switched off in Settings: the lock is let go.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Never' }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('.app[data-screen-on="false"]').waitFor({ timeout: 5_000 });
  });

  it('a paused page hears the channel again within 2 s of being resumed, and says audio may have been missed', async () => {
    const { context, page } = await browser.person(server.url, { viewport: { width: 1600, height: 900 } });
    await installOutputTap(context);
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(users.dana);
    await page.locator('.app[data-layout="grid"]').waitFor();
    await app.tile('Gates').getByRole('switch').click();
    await app.tile('Gates').getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });

    expect((await talker.press(gates)).granted).toBe(true);
    try {
      expect(await heardAfter(page, Date.now(), 10_000)).not.toBeNull();

      // Paused for 4 s while Tom talks, as a phone suspends a background page: no script, timer or socket
      // handler of the page runs. (Headless Chromium keeps every page visible, and CDP's
      // Page.setWebLifecycleState 'frozen' leaves a visible page running — measured — so the page's main
      // thread is held instead; media threads keep going as they do in a frozen page.)
      await page.evaluate(() => {
        const end = Date.now() + 4_000;
        while (Date.now() < end) {
          // Held.
        }
      });
      const resumedAt = Date.now();
      const back = await heardAfter(page, resumedAt, 5_000);
      console.log(`heard again ${back ?? 'never'} ms after resume`);
      expect(back).not.toBeNull();
      expect(back!).toBeLessThanOrEqual(2_000);

      const notice = page.locator('[data-banner="paused"]');
      await notice.waitFor({ timeout: 5_000 });
      expect(await notice.textContent()).toMatch(/paused for \d+ s\..*may have been missed/);
      await screenshot(page, 'paused-notice');
      // The floor state is the server's: Tom is still shown speaking.
      await app.tile('Gates').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 5_000 });
    } finally {
      await talker.release(gates);
    }
    await app.tile('Gates').and(page.locator('[data-speaking="false"]')).waitFor({ timeout: 10_000 });
  });
});
