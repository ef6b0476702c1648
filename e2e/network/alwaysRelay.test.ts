import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn } from '../support/coturn';
import type { Coturn } from '../support/coturn';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';

/** Keeps every RTCPeerConnection the app makes, so the test can read their selected candidate pairs. */
const PEER_CONNECTION_RECORDER = `
  (() => {
    const Native = window.RTCPeerConnection;
    const made = [];
    window.__peerConnections = made;
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        made.push(this);
      }
    };
  })();
`;

/** The local candidate types of the selected pairs of the page's connected peer connections. */
async function selectedTypes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const types: string[] = [];
    for (const connection of connections) {
      if (connection.connectionState !== 'connected') continue;
      const stats = new Map<string, Record<string, unknown>>();
      (await connection.getStats()).forEach((stat: Record<string, unknown>) =>
        stats.set(String(stat.id), stat),
      );
      for (const stat of stats.values()) {
        if (stat.type !== 'transport' || typeof stat.selectedCandidatePairId !== 'string') continue;
        const pair = stats.get(stat.selectedCandidatePairId);
        const local = pair === undefined ? undefined : stats.get(String(pair.localCandidateId));
        if (local !== undefined) types.push(String(local.candidateType));
      }
    }
    return types;
  });
}

/**
 * "Always relay" in the web app's Settings: with a real coturn configured but not required by the server,
 * ticking it rebuilds the person's media through the relay at once (both transports' selected pairs become
 * relay candidates), the talker is still heard, and the choice is remembered after a reload.
 */
describe('the "Always relay" setting', () => {
  let coturn: Coturn;
  let server: TestServer;
  let browser: UiBrowser;

  beforeAll(async () => {
    coturn = await startCoturn();
    server = await startTestServer({
      workers: 1,
      env: { SQUELCH_TURN_URLS: coturn.urls.udp, SQUELCH_TURN_SECRET: coturn.secret },
    });
    browser = await launchUiBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await coturn?.stop();
  });

  it('switches a person to the relay at once, keeps audio, and is remembered', async () => {
    const made = await server.createChannels(['Gates']);
    const gates = made.channels.Gates!;
    const ana = await server.createUser('Ana', made.eventId, [gates]);
    const ben = await server.createUser('Ben', made.eventId, [gates]);

    const { context, page } = await browser.person(server.url);
    await context.addInitScript({ content: PEER_CONNECTION_RECORDER });
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(ana);
    await app.useRawMicrophone();
    await app.selectTalkChannel('Gates');
    await app.waitJoined('Gates');
    const listenerPage = (await browser.person(server.url)).page;
    const listener = await Listener.open(listenerPage, server.url, await server.token(ben));
    await listener.join(gates);

    // Direct by default (the relay is offered, but a host pair on loopback wins).
    await expect.poll(() => selectedTypes(page), { timeout: 10_000 }).not.toEqual([]);
    expect(await selectedTypes(page)).not.toContain('relay');

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('checkbox', { name: 'Always relay' }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await expect
      .poll(async () => [...new Set(await selectedTypes(page))], { timeout: 15_000 })
      .toEqual(['relay']);

    // Talking through the relay: Ben hears Ana's tone, then silence after the release.
    await app.waitJoined('Gates');
    const center = await app.center(app.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting');
    expect(await listener.lab.waitForLevel(gates, 'above', 0.05, 10_000)).not.toBeNull();
    const heard = await listener.lab.measure(gates, 600);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThan(40);
    // Both of Ana's transports (send and receive) are relayed.
    expect((await selectedTypes(page)).filter((type) => type === 'relay').length).toBeGreaterThanOrEqual(2);
    expect(await selectedTypes(page)).not.toContain('host');
    await page.mouse.up();
    await app.waitButtonState('idle');
    expect(await listener.lab.waitForLevel(gates, 'below', 0.01, 3000)).not.toBeNull();
    expect(coturn.log()).toContain(`:${ana.id}`);

    // Remembered on this device: after a reload the media goes through the relay from the start.
    await page.reload();
    await app.waitConnected();
    await app.waitJoined('Gates');
    await expect
      .poll(async () => [...new Set(await selectedTypes(page))], { timeout: 15_000 })
      .toEqual(['relay']);
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await page.getByRole('checkbox', { name: 'Always relay' }).isChecked()).toBe(true);
  });
});
