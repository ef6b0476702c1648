import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransmissionView } from '../../packages/server/src/recordings/TransmissionStore';
import { apiRequest } from '../support/apiRequest';
import { LabPage } from '../support/labPage';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { dropConnections } from '../support/uiServer';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/**
 * The history in the app: a listener whose connection is down during two transmissions sees "2 missed" when
 * it is back, and "Play missed" plays them oldest first; the recent list shows talker and duration.
 */
describe('missed while away', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let channelId: string;
  let talker: TestUser;
  let listener: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser({ autoGrantMicrophone: true });
    const made = await server.createChannels(['Gates']);
    channelId = made.channels.Gates!;
    talker = await server.createUser('Tariq', made.eventId, [channelId]);
    listener = await server.createUser('Lena', made.eventId, [channelId]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a listener away during two transmissions sees "2 missed" and plays them in order', async () => {
    const { page } = await browser.person(server.url);
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(listener);
    await app.waitJoined('Gates');

    const talkerPage = new LabPage((await browser.person(server.url)).page);
    await talkerPage.page.goto(`${server.url}/lab.html`);
    await talkerPage.connect(await server.token(talker));
    await talkerPage.enableMicrophone();
    await talkerPage.join(channelId);

    // The listener's network goes down: every new signalling socket is refused.
    let refuse = true;
    await page.routeWebSocket(/\/ws$/, (socket) => {
      if (refuse) {
        void socket.close({ code: 4001, reason: 'network down' });
        return;
      }
      socket.connectToServer();
    });
    expect(dropConnections(server, listener.id)).toBeGreaterThan(0);
    await page.locator('[data-banner="reconnecting"]').waitFor();

    for (const ms of [900, 1300]) {
      expect((await talkerPage.press(channelId)).granted).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, ms));
      await talkerPage.release(channelId);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await server.squelch.recordings.recorder.settled();
    const listed = await apiRequest(`${server.url}/api/channels/${channelId}/transmissions`, {
      token: await server.token(listener),
    });
    const [second, first] = listed.json<{ transmissions: TransmissionView[] }>().transmissions;
    expect(first?.talkerName).toBe('Tariq');
    expect(second?.durationMs).toBeGreaterThan(first!.durationMs);

    refuse = false;
    await app.waitConnected(30_000);
    const missed = page.locator('.history__missed-count');
    await missed.waitFor({ timeout: 10_000 });
    expect(await missed.textContent()).toBe('2 missed');
    const items = page.locator('.history__item');
    expect(await items.count()).toBe(2);
    expect(await items.first().textContent()).toContain('Tariq');
    await screenshot(page, 'history-missed');

    await page.getByRole('button', { name: 'Play missed' }).click();
    const section = page.locator('.history');
    const seen: string[] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const id = await section.getAttribute('data-playing-id');
      if (id !== null && seen.at(-1) !== id) seen.push(id);
      if (seen.length === 2 && id === null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toEqual([first!.id, second!.id]);
    expect(await missed.count()).toBe(0);
    const played = (await app.played()).filter((media) => media.src.startsWith('blob:') && media.started);
    expect(played.length).toBeGreaterThanOrEqual(2);
  });
});
