import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startCoturn } from '../support/coturn';
import type { Coturn } from '../support/coturn';
import { selectedCandidates } from '../support/iceStats';
import { LabPage } from '../support/labPage';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

const TTL_S = 60;

/**
 * TURN credentials outlive their TTL: relay-only clients whose credentials (60 s here, 1 h by default) have
 * expired lose their relay (coturn restarts, as a relay host would), and their ICE restart or transport rebuild
 * must come with fresh credentials, or coturn refuses them and the radio stays silent.
 */
describe('TURN credential renewal', () => {
  let coturn: Coturn;
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    coturn = await startCoturn();
    server = await startTestServer({
      workers: 1,
      env: {
        SQUELCH_TURN_URLS: coturn.urls.tcp,
        SQUELCH_TURN_SECRET: coturn.secret,
        SQUELCH_TURN_TTL_S: String(TTL_S),
        SQUELCH_TURN_RELAY_ONLY: 'true',
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await coturn?.stop();
  });

  /** Presses until the listener hears the tone (the media may still be repairing itself); ms until heard. */
  const heardWithin = async (talker: LabPage, listener: LabPage, gates: string, ms: number) => {
    const started = Date.now();
    while (Date.now() - started < ms) {
      const press = await talker.press(gates).catch(() => undefined);
      if (press?.granted === true) {
        const heard = await listener.waitForLevel(gates, 'above', 0.05, 3000);
        await talker.release(gates);
        if (heard !== null) return Date.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return null;
  };

  it(`after ${TTL_S} s the credentials have expired; a relay lost then is rebuilt with fresh ones`, async () => {
    const made = await server.createChannels(['Gates']);
    const gates = made.channels.Gates!;
    const labs: LabPage[] = [];
    for (const name of ['Ana', 'Ben']) {
      const user = await server.createUser(name, made.eventId, [gates]);
      const lab = new LabPage(await browser.page(`${server.url}/lab.html`));
      await lab.connect(await server.token(user), { rawMicrophone: true });
      await lab.join(gates);
      await lab.enableMicrophone();
      labs.push(lab);
    }
    const [ana, ben] = labs as [LabPage, LabPage];
    const issuedAt = Math.floor(Date.now() / 1000);
    expect(await heardWithin(ana, ben, gates, 10_000)).not.toBeNull();
    for (const candidate of await selectedCandidates(ana.page)) expect(candidate.candidateType).toBe('relay');

    // Let every credential handed out so far expire, then take the relay away: coturn restarts empty.
    await new Promise((resolve) => setTimeout(resolve, (TTL_S + 3) * 1000 - (Date.now() - issuedAt * 1000)));
    const { port, tlsPort, secret } = coturn;
    await coturn.stop();
    coturn = await startCoturn({ port, tlsPort, secret });

    const recoveredMs = await heardWithin(ana, ben, gates, 45_000);
    console.log(`relay lost after the credentials expired: audio again after ${recoveredMs} ms`);
    expect(recoveredMs).not.toBeNull();
    expect(await heardWithin(ben, ana, gates, 10_000)).not.toBeNull();
    for (const lab of labs)
      for (const candidate of await selectedCandidates(lab.page))
        expect(candidate.candidateType).toBe('relay');
    // The new coturn allocated only for credentials issued after the old ones expired.
    const allocations = [...coturn.log().matchAll(/ALLOCATE processed, success/g)].length;
    expect(allocations).toBeGreaterThan(0);
    const usernames = [...coturn.log().matchAll(/username=<(\d+):/g)].map((match) => Number(match[1]));
    expect(usernames.length).toBeGreaterThan(0);
    for (const expiry of usernames) expect(expiry).toBeGreaterThan(issuedAt + TTL_S);
  });
});
