import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { dropConnections } from '../support/uiServer';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** Connection quality, "Reconnecting…", "Could not reconnect" with Retry, and a session surviving a reload. */
describe('connection state', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let user: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates']);
    user = await server.createUser('Gina', made.eventId, [made.channels.Gates!]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a green quality light on a good link, and the session survives a reload', async () => {
    const { page } = await browser.person(server.url);
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(user);
    await app.waitJoined('Gates');
    await page.locator('.conn[data-quality="good"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.conn').textContent()).toContain('Good connection');
    expect(await page.locator('.conn').getAttribute('title')).toMatch(/round trip \d+ ms/);

    await page.reload();
    await app.waitConnected();
    await app.waitJoined('Gates');
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
  });

  it('a dropped socket shows "Reconnecting…"; after 5 minutes it is still retrying and comes back by itself', async () => {
    const { page } = await browser.person(server.url);
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    // Virtual time for the page's timers, so five minutes of retries pass at once.
    await page.clock.install();
    await app.signIn(user);
    await app.waitJoined('Gates');

    // Every new signalling socket is refused while the "network" is down.
    let refuse = true;
    let attempts = 0;
    await page.routeWebSocket(/\/ws$/, (socket) => {
      if (refuse) {
        attempts += 1;
        void socket.close({ code: 4001, reason: 'network down' });
        return;
      }
      socket.connectToServer();
    });
    expect(dropConnections(server, user.id)).toBeGreaterThan(0);
    const reconnecting = page.locator('[data-banner="reconnecting"]');
    await reconnecting.waitFor();
    expect(await page.locator('.conn').textContent()).toContain('Reconnecting…');
    expect(await app.buttonState()).toBe('disabled');
    await screenshot(page, 'connection-reconnecting');

    // A phone in a pocket: nobody taps Retry. Five minutes later the client is still trying.
    // Timers jump 2 s at a time (a longer jump over the page's own 1 s tick would look like a frozen page,
    // which checks its connection at once); between jumps the page really tries (and is refused).
    const advance = async (seconds: number) => {
      for (let t = 0; t < seconds; t += 2) {
        await page.clock.fastForward(2_000);
        await page.waitForTimeout(150);
      }
    };
    await advance(120);
    const attemptsAt2 = attempts;
    await advance(180);
    expect(await page.locator('[data-banner="reconnecting"]').count()).toBe(1);
    expect(await page.locator('[data-banner="failed"]').count()).toBe(0);
    // Slower after two minutes (about every 30 s: 6 in 3 minutes), but never stopped.
    expect(attempts - attemptsAt2).toBeGreaterThanOrEqual(4);
    expect(attempts - attemptsAt2).toBeLessThanOrEqual(9);
    refuse = false;
    // The next attempt (within 30 s) is let through; small jumps again, so no "paused" notice either.
    await advance(40);
    await app.waitConnected();
    await app.waitJoined('Gates');
    expect(await page.locator('[data-banner]').count()).toBe(0);
  });
});
