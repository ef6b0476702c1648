import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/**
 * Microphone permission with the browser's real permission handling (no automatic acceptance): a refused
 * prompt, the message, and "Try again" once the permission is granted.
 */
describe('microphone permission', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let gates: string;
  let users: Record<'frank' | 'carol', TestUser>;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser({ autoGrantMicrophone: false });
    const made = await server.createChannels(['Gates']);
    gates = made.channels.Gates!;
    users = {
      frank: await server.createUser('Frank', made.eventId, [gates]),
      carol: await server.createUser('Carol', made.eventId, [gates]),
    };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a refused permission shows what to do; Try again works once it is granted', async () => {
    const { context, page } = await browser.person(server.url, { microphone: false });
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await screenshot(page, 'signin');
    await app.signIn(users.frank);
    await app.useRawMicrophone();
    await app.waitJoined('Gates');
    // Nothing was asked yet: the microphone is only requested from a click.
    await page.locator('.mic-panel[data-problem="none"]', { hasText: 'Microphone off' }).waitFor();
    expect(await page.locator('.mic-chip').getAttribute('data-status')).toBe('off');

    await page.getByRole('button', { name: 'Enable microphone' }).click();
    const denied = page.locator('.mic-panel[data-problem="denied"]');
    await denied.waitFor();
    expect(await denied.textContent()).toContain('Microphone access is blocked');
    expect(await page.locator('.mic-chip').textContent()).toContain('Mic blocked');
    expect(await app.buttonState()).toBe('disabled');
    await screenshot(page, 'microphone-denied');

    // After a reload the blocked state is known up front, before any click.
    await page.reload();
    await app.waitConnected();
    await page.locator('.mic-panel[data-problem="denied"]').waitFor();

    await context.grantPermissions(['microphone'], { origin: server.url });
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.mic-chip[data-status="ready"]').waitFor();
    expect(await page.locator('.mic-panel').count()).toBe(0);
    await app.waitJoined('Gates');
    await screenshot(page, 'microphone-ready');

    const listenerPage = await browser.person(server.url);
    const listener = await Listener.open(listenerPage.page, server.url, await server.token(users.carol));
    await listener.join(gates);
    const center = await app.center(app.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting');
    expect(await listener.waitFor(gates, 'above')).not.toBeNull();
    await page.mouse.up();
    await app.waitButtonState('idle');
    expect(await listener.waitFor(gates, 'below', 3000)).not.toBeNull();
  });
});
