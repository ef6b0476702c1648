import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContextOptions } from 'playwright-core';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { LASTING_MS, Listener, longestStretch } from '../support/uiListener';
import type { SpectrumFrame } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/**
 * The PTT screen in real Chromium against a real Squelch (mediasoup, PGlite). Talkers use the app with a fake
 * microphone playing a 1 kHz tone; a second person listens on the lab page and measures what arrives.
 */
describe('PTT screen', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let gates: string;
  let users: Record<'alice' | 'bob' | 'carol' | 'dave' | 'erin', TestUser>;
  let listener: Listener;
  let alice: AppPage;

  const openApp = async (user: TestUser, options: BrowserContextOptions = {}): Promise<AppPage> => {
    const { page } = await browser.person(server.url, options);
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(user);
    await app.useRawMicrophone();
    return app;
  };

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates', 'Backstage']);
    gates = made.channels.Gates!;
    const both = [gates, made.channels.Backstage!];
    users = {
      alice: await server.createUser('Alice', made.eventId, both),
      bob: await server.createUser('Bob', made.eventId, [gates]),
      carol: await server.createUser('Carol', made.eventId, [gates]),
      dave: await server.createUser('Dave', made.eventId, [gates]),
      erin: await server.createUser('Erin', made.eventId, [gates]),
    };
    const { page } = await browser.person(server.url);
    listener = await Listener.open(page, server.url, await server.token(users.carol));
    await listener.join(gates);
    alice = await openApp(users.alice);
    await alice.selectTalkChannel('Gates');
    await alice.waitJoined('Gates');
  });

  // A failed test must not leave Alice on the air for the next one: a window blur releases every press.
  afterEach(async () => {
    await alice?.page.mouse.up();
    await alice?.page.evaluate(() => window.dispatchEvent(new Event('blur')));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('hold mode: the press transmits with a start tone, the release stops with an end tone', async () => {
    const page = alice.page;
    await screenshot(page, 'ptt-idle-desktop');
    expect(await alice.buttonState()).toBe('idle');
    expect(await alice.talkButton().getAttribute('aria-pressed')).toBe('false');
    expect(await alice.talkButton().getAttribute('aria-label')).toBe('Push to talk on Gates');
    const playedBefore = (await alice.played()).length;

    const center = await alice.center(alice.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    // The first press also opens the microphone (the press is the user gesture).
    await alice.waitButtonState('transmitting');
    expect(await alice.talkButton().getAttribute('aria-pressed')).toBe('true');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    await page.locator('.tx[data-active="true"]', { hasText: 'Transmitting…' }).waitFor();
    const start = await alice.waitTone('transmit-start', playedBefore);
    expect(start.src).toMatch(/\/tones\/transmit-start\.(wav|ogg|mp3)/);
    await page.waitForTimeout(300);
    expect(await alice.meterLevel()).toBeGreaterThan(0.3);
    await screenshot(page, 'ptt-hold-transmitting');

    await page.mouse.up();
    await alice.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
    await alice.waitTone('transmit-end', playedBefore);
    expect(await alice.meterLevel()).toBe(0);
  });

  it('the feedback tones play only locally: the listener hears the 1 kHz voice, never a tone', async () => {
    const page = alice.page;
    const center = await alice.center(alice.talkButton());
    const playedBefore = (await alice.played()).length;
    const recording = listener.spectrum(gates, 3500);
    await page.waitForTimeout(300);
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await alice.waitButtonState('transmitting');
    await alice.waitTone('transmit-start', playedBefore);
    await page.waitForTimeout(1500);
    await page.mouse.up();
    await alice.waitTone('transmit-end', playedBefore);
    const frames: SpectrumFrame[] = await recording;

    const tones = (frame: SpectrumFrame) => [frame.bands['1800'], frame.bands['600'], frame.bands['440']];
    // Steady speech: the 1 kHz voice, the tone bands far below it. A tone mixed into the channel at the level the
    // tone files have would come within a few dB of the voice for its whole length (90 ms at the shortest). A
    // click (the receiver's jitter buffer stretching or shortening audio) lifts every band in the frames of one
    // analysis window, 18-22 dB under the voice: every frame at least 10 dB apart, and no stretch closer than
    // 25 dB lasting LASTING_MS (29 dB seen at worst outside clicks).
    const steady = frames.filter((frame) => frame.rms > 0.2);
    expect(steady.length).toBeGreaterThan(40);
    const gap = (frame: SpectrumFrame) => Math.min(...tones(frame).map((band) => frame.bands['1000'] - band));
    for (const frame of steady) {
      expect(frame.bands['1000']).toBeGreaterThan(-30);
      expect(gap(frame)).toBeGreaterThan(10);
    }
    expect(longestStretch(steady, (frame) => gap(frame) <= 25).ms).toBeLessThan(LASTING_MS);
    // Onset and end of the transmission (where the start and end tones play locally): still no tone.
    for (const frame of frames.filter((f) => f.rms > 0.05)) {
      for (const band of tones(frame)) expect(frame.bands['1000'] - band).toBeGreaterThan(15);
    }
    // Before and after: silence, and no tone on its own either.
    for (const frame of frames.filter((f) => f.rms < 0.005)) {
      expect(Math.max(...tones(frame))).toBeLessThan(-60);
    }
  });

  it('a release outside the button still stops the transmission', async () => {
    const page = alice.page;
    const center = await alice.center(alice.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await alice.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    // Drift off the button while holding: still on the air (the button holds the pointer).
    await page.mouse.move(20, 780, { steps: 8 });
    await page.waitForTimeout(300);
    expect(await alice.buttonState()).toBe('transmitting');
    await page.mouse.up();
    await alice.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
  });

  it('losing window focus stops a transmission', async () => {
    const page = alice.page;
    const center = await alice.center(alice.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await alice.waitButtonState('transmitting');
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await alice.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
    await page.mouse.up();
    expect(await alice.buttonState()).toBe('idle');
  });

  it('a hidden tab stops a transmission', async () => {
    const page = alice.page;
    const center = await alice.center(alice.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await alice.waitButtonState('transmitting');
    // Headless Chromium keeps every page visible (other tab in front, minimized window), so the page is told
    // it is hidden the way the browser tells it: visibilityState plus a visibilitychange event.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    try {
      await alice.waitButtonState('idle');
      expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
    } finally {
      await page.evaluate(() => {
        delete (document as { visibilityState?: unknown }).visibilityState;
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await page.mouse.up();
    }
    expect(await page.evaluate(() => document.visibilityState)).toBe('visible');
  });

  it('microphone processing settings apply at once (the microphone is re-opened) and talking still works', async () => {
    const page = alice.page;
    const before = await alice.microphoneRequests();
    expect(before.length).toBeGreaterThan(0);
    expect(before.at(-1)).toMatchObject({
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('checkbox', { name: 'Echo cancellation' }).check();
    await expect.poll(async () => (await alice.microphoneRequests()).length).toBe(before.length + 1);
    expect((await alice.microphoneRequests()).at(-1)).toMatchObject({
      echoCancellation: true,
      noiseSuppression: false,
    });
    await page.getByRole('checkbox', { name: 'Echo cancellation' }).uncheck();
    await expect.poll(async () => (await alice.microphoneRequests()).length).toBe(before.length + 2);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('.mic-chip[data-status="ready"]').waitFor();

    const center = await alice.center(alice.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await alice.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    const heard = await listener.lab.measure(gates, 600);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);
    await page.mouse.up();
    await alice.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
  });

  it('toggle mode: a click switches on, the next click off; the mode survives a reload', async () => {
    const page = alice.page;
    await alice.setMode('toggle');
    expect(await alice.talkButton().getAttribute('aria-label')).toMatch(/tap to switch on and off/);
    await alice.talkButton().click();
    await alice.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    // The mouse is up: a toggle keeps transmitting.
    await page.waitForTimeout(800);
    expect(await alice.buttonState()).toBe('transmitting');
    expect(await listener.level(gates, 400)).toBeGreaterThan(0.1);
    await screenshot(page, 'ptt-toggle-transmitting');
    await alice.talkButton().click();
    await alice.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();

    await page.reload();
    await alice.waitConnected();
    await page.locator('.talk-dock .ptt[data-mode="toggle"]').waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await page.getByRole('radio', { name: /Tap to toggle/ }).isChecked()).toBe(true);
    await screenshot(page, 'settings-dialog');
    await page.getByRole('radio', { name: /Hold to talk/ }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await alice.waitJoined('Gates');
    await page.locator('.talk-dock .ptt[data-mode="hold"]').waitFor();
  });

  it('toggle mode: switching to another talk channel takes the first one off the air', async () => {
    await alice.setMode('toggle');
    await alice.talkButton().click();
    await alice.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    // No pointer is held in toggle mode; changing the talk channel alone must end the transmission.
    await alice.selectTalkChannel('Backstage');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
    expect(await listener.level(gates, 600)).toBeLessThan(0.01);

    await alice.setMode('hold');
    await alice.selectTalkChannel('Gates');
    await alice.waitJoined('Gates');
  });

  it('busy: a press while someone speaks plays the busy tone, names the talker and sends nothing', async () => {
    const dave = await browser.person(server.url);
    const holder = await Listener.open(dave.page, server.url, await server.token(users.dave));
    await holder.join(gates);
    // Dave talks with a silent microphone, so anything the listener hears would be Alice's.
    await dave.page.evaluate(async () => {
      const context = new AudioContext();
      const track = context.createMediaStreamDestination().stream.getAudioTracks()[0]!;
      await window.lab.client()!.enableMicrophone(track);
    });
    expect((await holder.lab.press(gates)).granted).toBe(true);
    try {
      const page = alice.page;
      await page
        .locator('.talk-dock .floor[data-state="speaking"]', { hasText: 'Dave is speaking' })
        .waitFor();
      await page.getByTestId('announce-polite').filter({ hasText: 'Dave is speaking on Gates' }).waitFor();
      expect(await alice.buttonState()).toBe('busy');
      const playedBefore = (await alice.played()).length;
      const busyCountBefore = (await alice.toneCounts())[2]!;

      const center = await alice.center(alice.talkButton());
      await page.mouse.move(center.x, center.y);
      await page.mouse.down();
      const busy = await alice.waitTone('busy', playedBefore);
      expect(busy.src).toMatch(/\/tones\/busy\.(wav|ogg|mp3)/);
      await page.locator('.talk-dock .notice[data-kind="busy"]', { hasText: 'Dave is speaking' }).waitFor();
      await page.getByTestId('announce-assertive').filter({ hasText: 'Busy: Dave is speaking' }).waitFor();
      expect((await alice.toneCounts())[2]).toBe(busyCountBefore + 1);
      expect(await alice.talkButton().locator('.ptt__sub').textContent()).toBe('Dave is speaking');
      await screenshot(page, 'ptt-busy');
      // Holding on does not queue: the listener keeps hearing nothing from Alice.
      expect(await listener.level(gates, 1000)).toBeLessThan(0.01);
      expect(
        (await alice.played()).slice(playedBefore).some((entry) => entry.tone === 'transmit-start'),
      ).toBe(false);

      await holder.lab.release(gates);
      await page.locator('.talk-dock .floor[data-state="idle"]').waitFor();
      await page.waitForTimeout(500);
      expect(await alice.buttonState()).not.toBe('transmitting');
      expect(await listener.level(gates, 500)).toBeLessThan(0.01);
      await page.mouse.up();
    } finally {
      await holder.lab.release(gates).catch(() => undefined);
    }
  });

  it('touch: holding a finger transmits, sliding does not scroll, lifting stops; a tap toggles', async () => {
    const bob = await openApp(users.bob, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = bob.page;
    await bob.waitJoined('Gates');
    await screenshot(page, 'phone-idle');
    const pointerTypes: string[] = [];
    await page.exposeFunction('recordPointer', (type: string) => pointerTypes.push(type));
    await page.evaluate(() => {
      document.querySelector('.talk-dock .ptt')!.addEventListener('pointerdown', (event) => {
        void (window as unknown as { recordPointer: (type: string) => Promise<void> }).recordPointer(
          (event as PointerEvent).pointerType,
        );
      });
    });
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const center = await bob.center(bob.talkButton());
    await bob.touch('touchStart', center);
    await bob.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    for (let step = 1; step <= 5; step += 1)
      await bob.touch('touchMove', { x: center.x, y: center.y - step * 30 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
    expect(await bob.buttonState()).toBe('transmitting');
    await screenshot(page, 'phone-transmitting');
    await bob.touch('touchEnd');
    await bob.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
    expect(pointerTypes).toContain('touch');

    await page.getByRole('button', { name: 'Settings' }).tap();
    await page.getByRole('radio', { name: /Tap to toggle/ }).tap();
    await page.getByRole('button', { name: 'Done' }).tap();
    await page.locator('.talk-dock .ptt[data-mode="toggle"]').waitFor();
    await bob.talkButton().tap();
    await bob.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    await bob.talkButton().tap();
    await bob.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
  });

  it('a cancelled touch (the system takes the gesture) stops the transmission', async () => {
    const erin = await openApp(users.erin, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await erin.waitJoined('Gates');
    const center = await erin.center(erin.talkButton());
    await erin.touch('touchStart', center);
    await erin.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    await erin.touch('touchCancel');
    await erin.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
  });
});
