import { devices } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

declare global {
  interface Window {
    /** Media Session action handlers the app installed, recorded by the test's init script. */
    mediaActions?: Record<string, (() => void) | null>;
  }
}

/**
 * Talking without touching the screen, in real Chromium against a real Squelch: the talk key (Space, or one
 * chosen in Settings) and the headset button (Media Session actions). A listener on the lab page checks that
 * the 1 kHz tone of the talker's fake microphone starts and stops.
 */
describe('talk keys and headset button', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let gates: string;
  let users: Record<'alice' | 'bob' | 'carol', TestUser>;
  let listener: Listener;
  let alice: AppPage;

  const hears = async () => expect(await listener.waitFor(gates, 'above')).not.toBeNull();
  const silent = async () => expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates']);
    gates = made.channels.Gates!;
    users = {
      alice: await server.createUser('Alice', made.eventId, [gates]),
      bob: await server.createUser('Bob', made.eventId, [gates]),
      carol: await server.createUser('Carol', made.eventId, [gates]),
    };
    const { page } = await browser.person(server.url);
    listener = await Listener.open(page, server.url, await server.token(users.carol));
    await listener.join(gates);
    const person = await browser.person(server.url);
    alice = new AppPage(person.page);
    await alice.open(`${server.url}/`);
    await alice.signIn(users.alice);
    await alice.useRawMicrophone();
    await alice.waitJoined('Gates');
    // The microphone opens on the first press (a gesture); later presses may come from keys.
    const center = await alice.center(alice.talkButton());
    await alice.page.mouse.move(center.x, center.y);
    await alice.page.mouse.down();
    await alice.waitButtonState('transmitting');
    await alice.page.mouse.up();
    await alice.waitButtonState('idle');
    await silent();
  });

  afterEach(async () => {
    await alice?.page.evaluate(() => window.dispatchEvent(new Event('blur')));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Space held talks on the talk channel; letting go stops', async () => {
    const page = alice.page;
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.down('Space');
    await alice.waitButtonState('transmitting');
    await hears();
    // Auto-repeat while held changes nothing.
    await page.keyboard.down('Space');
    await page.waitForTimeout(300);
    expect(await alice.buttonState()).toBe('transmitting');
    await page.keyboard.up('Space');
    await alice.waitButtonState('idle');
    await silent();
  });

  it('Space typed into a text field does not talk', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    // A text field outside any dialog: typing there is typing.
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'typing';
      document.body.append(input);
      input.focus();
    });
    await page.keyboard.down('Space');
    await page.waitForTimeout(800);
    expect(await alice.buttonState()).toBe('idle');
    expect(await listener.level(gates, 400)).toBeLessThan(0.01);
    await page.keyboard.up('Space');
    expect(await page.locator('#typing').inputValue()).toBe(' ');
    await page.evaluate(() => document.getElementById('typing')?.remove());
  });

  it('a held key is released when the window loses focus', async () => {
    const page = alice.page;
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.down('Space');
    await alice.waitButtonState('transmitting');
    await hears();
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await alice.waitButtonState('idle');
    await silent();
    // The keyup that follows focus coming back is harmless.
    await page.keyboard.up('Space');
    expect(await alice.buttonState()).toBe('idle');
  });

  it('a key chosen in Settings talks, and Space no longer does', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Change key' }).click();
    await page.keyboard.press('KeyT');
    await expect.poll(() => page.locator('[data-talk-key]').textContent()).toBe('T');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('body').click({ position: { x: 5, y: 5 } });

    await page.keyboard.down('KeyT');
    await alice.waitButtonState('transmitting');
    await hears();
    await page.keyboard.up('KeyT');
    await alice.waitButtonState('idle');
    await silent();

    await page.keyboard.down('Space');
    await page.waitForTimeout(800);
    expect(await alice.buttonState()).toBe('idle');
    await page.keyboard.up('Space');

    // The choice is remembered: a reload still talks on T.
    await page.reload();
    await alice.waitConnected();
    await alice.waitJoined('Gates');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.down('KeyT');
    await alice.waitButtonState('transmitting');
    await hears();
    await page.keyboard.up('KeyT');
    await alice.waitButtonState('idle');
    await silent();
  });

  it('on a phone, the headset button (Media Session play/pause) switches talk on and off', async () => {
    const { page } = await browser.person(server.url, { ...devices['Pixel 7'] });
    // Record the handlers the app gives the browser, so the test can press the "headset button".
    await page.addInitScript(() => {
      window.mediaActions = {};
      const session = navigator.mediaSession;
      const original = session.setActionHandler.bind(session);
      session.setActionHandler = (action, handler) => {
        original(action, handler);
        window.mediaActions![action] = handler as (() => void) | null;
      };
    });
    const bob = new AppPage(page);
    await bob.open(`${server.url}/`);
    await bob.signIn(users.bob);
    await bob.useRawMicrophone();
    await bob.waitJoined('Gates');
    const action = (name: string) =>
      page.evaluate((n) => {
        const handler = window.mediaActions?.[n];
        if (typeof handler !== 'function') throw new Error(`no handler for ${n}`);
        handler();
      }, name);
    // Off by default: a pocket bump on play/pause must not open the microphone.
    expect(await page.evaluate(() => typeof window.mediaActions?.play)).not.toBe('function');

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('checkbox', { name: /Headset button talks/ }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.evaluate(() => typeof window.mediaActions?.play)).toBe('function');

    // The first talk opens the microphone; the permission is already granted to this page.
    await action('play');
    await bob.waitButtonState('transmitting');
    await hears();
    await action('pause');
    await bob.waitButtonState('idle');
    await silent();
    // The microphone button where the browser reports it toggles the same way.
    const hasMicAction = await page.evaluate(() => typeof window.mediaActions?.togglemicrophone);
    if (hasMicAction === 'function') {
      await action('togglemicrophone');
      await bob.waitButtonState('transmitting');
      await hears();
      await action('togglemicrophone');
      await bob.waitButtonState('idle');
      await silent();
    }
    await page.context().close();
  });
});
