import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

declare global {
  interface Window {
    /** Set by the test: what enumerateDevices answers after a simulated headset change. */
    fakeDefaultGroup?: string;
  }
}

/**
 * Audio devices in real Chromium with its fake devices: Settings lists them, a chosen microphone is the one the
 * track uses and is remembered, and a `devicechange` whose system default input moved to another device makes
 * the app open the microphone again, the new track carrying the talk (a listener hears the tone).
 */
describe('audio devices', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let gates: string;
  let alice: TestUser;
  let listener: Listener;
  let app: AppPage;
  let page: Page;

  const talkAndHear = async () => {
    const center = await app.center(app.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    await page.mouse.up();
    await app.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
  };
  const inUse = () => page.locator('[data-microphone-in-use]').getAttribute('data-microphone-in-use');

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates']);
    gates = made.channels.Gates!;
    alice = await server.createUser('Alice', made.eventId, [gates]);
    const bob = await server.createUser('Bob', made.eventId, [gates]);
    listener = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(bob),
    );
    await listener.join(gates);
    ({ page } = await browser.person(server.url));
    // A headset becoming the system default: Chromium's "default" entry then names another device group.
    await page.addInitScript(() => {
      const media = navigator.mediaDevices;
      const enumerate = media.enumerateDevices.bind(media);
      media.enumerateDevices = async () => {
        const devices = await enumerate();
        const group = window.fakeDefaultGroup;
        if (group === undefined) return devices;
        return devices.map((device) =>
          device.kind === 'audioinput' && device.deviceId === 'default'
            ? ({ ...device.toJSON(), groupId: group, toJSON: () => ({}) } as MediaDeviceInfo)
            : device,
        );
      };
    });
    app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(alice);
    await app.useRawMicrophone();
    await app.waitJoined('Gates');
    await talkAndHear();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Settings lists the microphones and speakers', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const microphones = page.getByRole('combobox', { name: 'Microphone' });
    await expect.poll(() => microphones.locator('option').count()).toBeGreaterThan(1);
    const options = await microphones.locator('option').allTextContents();
    // Chromium's fake devices: two of each, plus its "default" entry shown as the system default.
    expect(options).toEqual(['System default', 'Fake Audio Input 1', 'Fake Audio Input 2']);
    expect(
      await page.getByRole('combobox', { name: 'Speakers' }).locator('option').allTextContents(),
    ).toEqual(['System default', 'Fake Audio Output 1', 'Fake Audio Output 2']);
    expect(await inUse()).toBe('default');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('a chosen microphone is the one the track uses, and is remembered', async () => {
    const requestsBefore = (await app.microphoneRequests()).length;
    await page.getByRole('button', { name: 'Settings' }).click();
    const microphones = page.getByRole('combobox', { name: 'Microphone' });
    const values = await microphones
      .locator('option')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    const chosen = values.at(-1)!;
    expect(chosen).not.toBe('');
    await microphones.selectOption(chosen);
    await expect.poll(inUse).toBe(chosen);
    const requests = await app.microphoneRequests();
    expect(requests.length).toBeGreaterThan(requestsBefore);
    expect(JSON.stringify(requests.at(-1))).toContain(chosen);
    await page.getByRole('button', { name: 'Done' }).click();
    await talkAndHear();

    await page.reload();
    await app.waitConnected();
    await app.waitJoined('Gates');
    await talkAndHear();
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await microphones.inputValue()).toBe(chosen);
    await expect.poll(inUse).toBe(chosen);
    await microphones.selectOption('');
    await expect.poll(inUse).toBe('default');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('chosen speakers play the received audio, back to the system default when they are gone', async () => {
    const sinks = () =>
      page.evaluate(() =>
        [...(window as unknown as { __mediaElements: Set<HTMLMediaElement> }).__mediaElements]
          .filter((element) => element.srcObject instanceof MediaStream)
          .map((element) => element.sinkId),
      );
    expect(await sinks()).toContain('');
    await page.getByRole('button', { name: 'Settings' }).click();
    const speakers = page.getByRole('combobox', { name: 'Speakers' });
    const chosen =
      (await speakers.locator('option', { hasText: 'Fake Audio Output 2' }).getAttribute('value')) ?? '';
    expect(chosen).not.toBe('');
    await speakers.selectOption(chosen);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(async () => (await sinks()).every((sink) => sink === chosen)).toBe(true);
    await talkAndHear();

    // The speakers disappear (a headset switched off): playback goes back to the system default.
    await page.evaluate((gone) => {
      const media = navigator.mediaDevices;
      const enumerate = media.enumerateDevices.bind(media);
      media.enumerateDevices = async () => (await enumerate()).filter((device) => device.deviceId !== gone);
      media.dispatchEvent(new Event('devicechange'));
    }, chosen);
    await expect.poll(async () => (await sinks()).every((sink) => sink === '')).toBe(true);
    await page.getByRole('button', { name: 'Settings' }).click();
    // The choice is kept for when they come back.
    expect(await speakers.inputValue()).toBe(chosen);
    await speakers.selectOption('');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('when the system default input moves to another device, the microphone is opened again', async () => {
    const before = (await app.microphoneRequests()).length;
    // Nothing changed: a devicechange does not re-open the microphone.
    await page.evaluate(() => navigator.mediaDevices.dispatchEvent(new Event('devicechange')));
    await page.waitForTimeout(800);
    expect((await app.microphoneRequests()).length).toBe(before);

    await page.evaluate(() => {
      window.fakeDefaultGroup = 'headset-group';
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    });
    await expect.poll(async () => (await app.microphoneRequests()).length).toBeGreaterThan(before);
    const request = (await app.microphoneRequests()).at(-1)!;
    // Following the system default: no device named.
    expect(JSON.stringify(request)).not.toContain('exact');
    // The new track carries the next talk.
    await talkAndHear();
  });
});
