import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { launchFirefox } from '../support/firefox';
import type { TestFirefox } from '../support/firefox';
import { FirefoxApp, FirefoxListener } from '../support/firefoxApp';
import { selectedCandidates } from '../support/iceStats';
import { LabPage } from '../support/labPage';
import { createNamespace } from '../support/netns';
import type { TestNamespace } from '../support/netns';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const FIREFOX_TONE_HZ = 700;

/**
 * LAN mode on a non-loopback address the test creates (the host end of a veth pair): Squelch listens and
 * announces media there only, its certificate names the address, and Firefox — with none of the loopback ICE
 * prefs the suite's other Firefox tests need — and Chromium talk to each other through it.
 */
describe('LAN mode', () => {
  let namespace: TestNamespace;
  let server: TestServer;
  let chromium: TestBrowser;
  let firefox: TestFirefox;
  let gates: string;
  let users: Record<'fiona' | 'chris' | 'felix', TestUser>;

  beforeAll(async () => {
    namespace = createNamespace();
    // The loopback defaults of the test server are replaced by LAN mode (as `--lan=<address>` does).
    server = await startTestServer({ workers: 1, env: { SQUELCH_LAN: namespace.hostIp } });
    const made = await server.createChannels(['Gates']);
    gates = made.channels.Gates!;
    users = {
      fiona: await server.createUser('Fiona', made.eventId, [gates]),
      chris: await server.createUser('Chris', made.eventId, [gates]),
      felix: await server.createUser('Felix', made.eventId, [gates]),
    };
    [chromium, firefox] = await Promise.all([
      launchChromium(),
      launchFirefox({ toneHz: FIREFOX_TONE_HZ, loopbackIce: false }),
    ]);
  });

  afterAll(async () => {
    await firefox?.close();
    await chromium?.close();
    await server?.stop();
    namespace?.remove();
  });

  it('listens on the LAN address only, and its certificate names that address', async () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe(namespace.hostIp);
    expect(server.squelch.config.media.announcedAddress).toBe(namespace.hostIp);
    const altNames = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect(
        { host: namespace.hostIp, port: Number(url.port), rejectUnauthorized: false },
        () => {
          resolve(socket.getPeerCertificate().subjectaltname ?? '');
          socket.end();
        },
      );
      socket.once('error', reject);
    });
    expect(altNames).toContain(`IP Address:${namespace.hostIp}`);
    // Nothing answers on loopback at that port.
    const loopback = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: Number(url.port) });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(loopback).toBe('ECONNREFUSED');
  });

  it('Firefox without ICE prefs and Chromium talk both ways through the LAN address', async () => {
    const chris = new LabPage(await chromium.page(`${server.url}/lab.html`));
    await chris.connect(await server.token(users.chris));
    await chris.join(gates);
    await chris.enableMicrophone();

    const fiona = new FirefoxApp(await firefox.person());
    await fiona.open(`${server.url}/`);
    await fiona.signIn(users.fiona);
    await fiona.useRawMicrophone();
    await fiona.selectTalkChannel('Gates');

    // Firefox talks through the app's UI; Chromium hears Firefox's tone.
    await fiona.press();
    await fiona.waitButtonState('transmitting');
    expect(await chris.waitForLevel(gates, 'above', 0.02, 10_000)).not.toBeNull();
    const heard = await chris.measure(gates, 800);
    expect(heard.rms).toBeGreaterThan(0.02);
    expect(Math.abs(heard.peakHz - FIREFOX_TONE_HZ)).toBeLessThan(40);
    await fiona.release();
    await fiona.waitButtonState('idle');
    expect(await chris.waitForLevel(gates, 'below', 0.005, 3000)).not.toBeNull();

    // Chromium talks; a Firefox listener hears the 1 kHz tone.
    const felix = await FirefoxListener.open(
      await firefox.person(),
      server.url,
      await server.token(users.felix),
    );
    await felix.join(gates);
    expect((await chris.press(gates)).granted).toBe(true);
    expect(await felix.waitForLevel(gates, 'above', 0.05, 10_000)).not.toBeNull();
    const heardInFirefox = await felix.measure(gates, 800);
    expect(heardInFirefox.rms).toBeGreaterThan(0.05);
    expect(Math.abs(heardInFirefox.peakHz - 1000)).toBeLessThan(40);
    await chris.release(gates);
    expect(await felix.waitForLevel(gates, 'below', 0.005, 3000)).not.toBeNull();

    // Chromium's media went over UDP to the LAN address, not over a loopback or a relay.
    for (const candidate of await selectedCandidates(chris.page)) {
      expect(candidate.protocol).toBe('udp');
      expect(candidate.candidateType).not.toBe('relay');
    }
  });
});
