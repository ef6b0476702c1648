import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnIceServers } from '../../packages/server/src/media/turnCredentials';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startCoturn } from '../support/coturn';
import type { Coturn } from '../support/coturn';
import { selectedCandidates } from '../support/iceStats';
import { LabPage } from '../support/labPage';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

type Mode = 'udp' | 'tcp' | 'tls';

/**
 * Relay-only media through a real coturn (use-auth-secret, the secret Squelch is configured with): two
 * Chromium pages talk and listen both ways while the browser may use nothing but TURN. getStats shows the
 * selected pair is a relay of the expected protocol, and coturn's log shows the allocations it made.
 */
describe('TURN relay through coturn', () => {
  let coturn: Coturn;
  let browser: TestBrowser;
  /**
   * Chromium checks a TURNS server's certificate and refuses the self-signed one made here ("701 Failed to
   * establish connection"): the TLS case runs in a browser told to accept it. Production needs a trusted one.
   */
  let tlsBrowser: TestBrowser;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    coturn = await startCoturn();
    browser = await launchChromium();
    tlsBrowser = await launchChromium({ extraArgs: ['--ignore-certificate-errors'] });
  });

  afterAll(async () => {
    await browser?.close();
    await tlsBrowser?.close();
    for (const server of servers) await server.stop();
    await coturn?.stop();
  });

  const pair = async (server: TestServer, clientPolicy: 'all' | 'relay', using: TestBrowser) => {
    const made = await server.createChannels(['Gates']);
    const gates = made.channels.Gates!;
    const people: { lab: LabPage; userId: string }[] = [];
    for (const name of ['Ana', 'Ben']) {
      const user = await server.createUser(name, made.eventId, [gates]);
      const lab = new LabPage(await using.page(`${server.url}/lab.html`));
      await lab.connect(await server.token(user), { rawMicrophone: true, iceTransportPolicy: clientPolicy });
      await lab.join(gates);
      await lab.enableMicrophone();
      people.push({ lab, userId: user.id });
    }
    return { gates, people: people as [(typeof people)[0], (typeof people)[0]] };
  };

  /** One talks, the other hears the 1 kHz tone; then silence after the release. */
  const talk = async (talker: LabPage, listener: LabPage, gates: string): Promise<number> => {
    const pressedAt = Date.now();
    expect((await talker.press(gates)).granted).toBe(true);
    expect(await listener.waitForLevel(gates, 'above', 0.05, 10_000)).not.toBeNull();
    const heardMs = Date.now() - pressedAt;
    const heard = await listener.measure(gates, 600);
    expect(heard.rms).toBeGreaterThan(0.05);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThan(40);
    await talker.release(gates);
    expect(await listener.waitForLevel(gates, 'below', 0.01, 3000)).not.toBeNull();
    return heardMs;
  };

  const cases: { mode: Mode; relayProtocol: string; policy: 'server' | 'client' }[] = [
    { mode: 'udp', relayProtocol: 'udp', policy: 'server' },
    { mode: 'tcp', relayProtocol: 'tcp', policy: 'client' },
    { mode: 'tls', relayProtocol: 'tls', policy: 'client' },
  ];

  for (const { mode, relayProtocol, policy } of cases) {
    it(`relay only over TURN/${mode.toUpperCase()} (${policy === 'server' ? 'server setting' : 'client setting'}): audio both ways`, async () => {
      const server = await startTestServer({
        workers: 1,
        env: {
          SQUELCH_TURN_URLS: coturn.urls[mode],
          SQUELCH_TURN_SECRET: coturn.secret,
          ...(policy === 'server' ? { SQUELCH_TURN_RELAY_ONLY: 'true' } : {}),
        },
      });
      servers.push(server);
      const logBefore = coturn.log().length;
      const { gates, people } = await pair(
        server,
        policy === 'client' ? 'relay' : 'all',
        mode === 'tls' ? tlsBrowser : browser,
      );
      const [ana, ben] = people;
      const first = await talk(ana.lab, ben.lab, gates);
      const second = await talk(ben.lab, ana.lab, gates);
      console.log(
        `TURN/${mode}: press to hear ${first} ms and ${second} ms (including the microphone's start)`,
      );

      for (const person of people) {
        const selected = await selectedCandidates(person.lab.page);
        expect(selected.map((candidate) => candidate.direction).sort()).toEqual(['recv', 'send']);
        for (const candidate of selected) {
          expect(candidate.candidateType).toBe('relay');
          expect(candidate.relayProtocol).toBe(relayProtocol);
        }
        // coturn made allocations for this user's credentials ("<expiry>:<user id>").
        expect(coturn.log().slice(logBefore)).toContain(`:${person.userId}`);
      }
      const log = coturn.log().slice(logBefore);
      expect(log).toMatch(/ALLOCATE processed, success/);
      // Over TCP and TLS coturn logs each client connection it accepted.
      if (mode !== 'udp') expect(log).toMatch(/tcp or tls connected to: 127\.0\.0\.1/);
      for (const person of people) await person.lab.page.close();
    });
  }

  it('coturn refuses expired credentials and accepts fresh ones', async () => {
    const page = await browser.page('about:blank');
    const turn = { urls: [coturn.urls.udp], secret: coturn.secret, ttlSec: 60 };
    const gather = (iceServers: unknown) =>
      page.evaluate(async (servers) => {
        const connection = new RTCPeerConnection({
          iceServers: servers as RTCIceServer[],
          iceTransportPolicy: 'relay',
        });
        const types: string[] = [];
        connection.onicecandidate = (event) => {
          if (event.candidate !== null) types.push(event.candidate.type ?? 'unknown');
        };
        connection.createDataChannel('probe');
        await connection.setLocalDescription(await connection.createOffer());
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 8000);
          connection.onicegatheringstatechange = () => {
            if (connection.iceGatheringState === 'complete') {
              clearTimeout(timer);
              resolve();
            }
          };
        });
        connection.close();
        return types;
      }, iceServers);
    const logBefore = coturn.log().length;
    const expired = turnIceServers(turn, 'expired-user', Date.now() - 2 * 3600_000);
    expect(await gather(expired)).toEqual([]);
    expect(coturn.log().slice(logBefore)).toMatch(/expired-user[\s\S]*(401|Unauthorized|unauthori[sz]ed)/i);
    const fresh = turnIceServers(turn, 'fresh-user');
    expect(await gather(fresh)).toContain('relay');
    await page.close();
  });
});
