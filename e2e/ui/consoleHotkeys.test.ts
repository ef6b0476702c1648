import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/**
 * Per-channel talk keys of the dispatch console, in real Chromium against a real Squelch: each key talks on its
 * own channel only, checked by one listener per channel hearing the 1 kHz tone of the dispatcher's fake
 * microphone start and stop; a held key is let go when the window loses focus; the keys survive a reload.
 */
describe('dispatch console channel keys', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let gates: string;
  let backstage: string;
  let onGates: Listener;
  let onBackstage: Listener;
  let app: AppPage;
  let page: Page;

  const ptt = (name: string) => app.tile(name).locator('.ptt');
  const picker = (name: string) => app.tile(name).locator('.hotkey');
  const hears = async (listener: Listener, channelId: string) =>
    expect(await listener.waitFor(channelId, 'above')).not.toBeNull();
  const silent = async (listener: Listener, channelId: string) =>
    expect(await listener.waitFor(channelId, 'below', 3000)).not.toBeNull();
  const focusPage = () => page.locator('.console__counts').click();

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates', 'Backstage']);
    gates = made.channels.Gates!;
    backstage = made.channels.Backstage!;
    const dana = await server.createUser('Dana', made.eventId, [], 'dispatch');
    const gus = await server.createUser('Gus', made.eventId, [gates, backstage]);
    const mia = await server.createUser('Mia', made.eventId, [gates, backstage]);
    onGates = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(gus),
    );
    await onGates.join(gates);
    onBackstage = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(mia),
    );
    await onBackstage.join(backstage);

    ({ page } = await browser.person(server.url, { viewport: { width: 1440, height: 900 } }));
    app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dana);
    await page.locator('.app[data-layout="grid"]').waitFor();
    await app.useRawMicrophone();
    for (const name of ['Gates', 'Backstage']) {
      await app.tile(name).getByRole('switch').click();
      await app.tile(name).getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    }
    // The microphone opens on the first press (a gesture); later presses may come from keys.
    const center = await app.center(ptt('Gates'));
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting', ptt('Gates'));
    await page.mouse.up();
    await app.waitButtonState('idle', ptt('Gates'));
    await silent(onGates, gates);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('keys chosen on the tiles are shown there and talk on their own channel only', async () => {
    expect(await picker('Gates').textContent()).toBe('Set key');
    await picker('Gates').click();
    await page.keyboard.press('F1');
    await expect.poll(() => picker('Gates').textContent()).toBe('Key F1');
    await picker('Backstage').click();
    // The general talk key (Space) is refused: it talks on the talk channel.
    await page.keyboard.press('Space');
    expect(await picker('Backstage').textContent()).toBe('Space is taken');
    await page.keyboard.press('Digit2');
    await expect.poll(() => picker('Backstage').textContent()).toBe('Key 2');
    await focusPage();

    await page.keyboard.down('Digit2');
    await app.waitButtonState('transmitting', ptt('Backstage'));
    await hears(onBackstage, backstage);
    expect(await onGates.level(gates, 800)).toBeLessThan(0.01);
    expect(await app.buttonState(ptt('Gates'))).toBe('idle');
    await page.keyboard.up('Digit2');
    await app.waitButtonState('idle', ptt('Backstage'));
    await silent(onBackstage, backstage);

    await page.keyboard.down('F1');
    await app.waitButtonState('transmitting', ptt('Gates'));
    await hears(onGates, gates);
    expect(await onBackstage.level(backstage, 800)).toBeLessThan(0.01);
    await page.keyboard.up('F1');
    await app.waitButtonState('idle', ptt('Gates'));
    await silent(onGates, gates);
  });

  it('a held channel key is released when the window loses focus', async () => {
    await focusPage();
    await page.keyboard.down('F1');
    await app.waitButtonState('transmitting', ptt('Gates'));
    await hears(onGates, gates);
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await app.waitButtonState('idle', ptt('Gates'));
    await silent(onGates, gates);
    // The keyup that follows focus coming back is harmless.
    await page.keyboard.up('F1');
    expect(await app.buttonState(ptt('Gates'))).toBe('idle');
  });

  it('a held channel key is released when the page is hidden', async () => {
    await focusPage();
    await page.keyboard.down('Digit2');
    await app.waitButtonState('transmitting', ptt('Backstage'));
    await hears(onBackstage, backstage);
    // What the browser does when the tab goes to the background or the screen locks.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    });
    await app.waitButtonState('idle', ptt('Backstage'));
    await silent(onBackstage, backstage);
    await page.keyboard.up('Digit2');
  });

  it('the keys are remembered for the dispatcher, and Delete clears one', async () => {
    await page.reload();
    await app.waitConnected();
    await app.tile('Gates').getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    expect(await picker('Gates').textContent()).toBe('Key F1');
    expect(await picker('Backstage').textContent()).toBe('Key 2');
    await focusPage();
    await page.keyboard.down('F1');
    await app.waitButtonState('transmitting', ptt('Gates'));
    await hears(onGates, gates);
    await page.keyboard.up('F1');
    await app.waitButtonState('idle', ptt('Gates'));
    await silent(onGates, gates);

    await picker('Gates').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => picker('Gates').textContent()).toBe('Set key');
    await focusPage();
    await page.keyboard.down('F1');
    await page.waitForTimeout(800);
    expect(await app.buttonState(ptt('Gates'))).toBe('idle');
    expect(await onGates.level(gates, 400)).toBeLessThan(0.01);
    await page.keyboard.up('F1');
  });
});
