import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { selectedCandidates } from '../support/iceStats';
import { LabPage } from '../support/labPage';
import { createNamespace } from '../support/netns';
import type { TestNamespace } from '../support/netns';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/**
 * A client on a network that drops all UDP (a network namespace the test makes, nftables dropping UDP on its
 * veth) still talks and listens: its browser falls back to mediasoup's ICE-TCP candidate. The server and a
 * second client sit outside, on the host end of the veth pair (the only addresses involved).
 */
describe('a client whose UDP is blocked', () => {
  let namespace: TestNamespace;
  let server: TestServer;
  let outsideBrowser: TestBrowser;
  let insideBrowser: TestBrowser;

  beforeAll(async () => {
    namespace = createNamespace({ blockUdp: true });
    server = await startTestServer({
      workers: 1,
      env: { SQUELCH_HOST: namespace.hostIp, SQUELCH_RTC_LISTEN_IP: namespace.hostIp },
    });
    outsideBrowser = await launchChromium();
    insideBrowser = await launchChromium({ executablePath: namespace.chromiumWrapper });
  });

  afterAll(async () => {
    await insideBrowser?.close();
    await outsideBrowser?.close();
    await server?.stop();
    namespace?.remove();
  });

  it('hears and is heard over ICE-TCP; the time from page load to first audio is printed', async () => {
    // The namespace really has no UDP path: a UDP probe from inside to the server's address is dropped.
    const dropsBefore = udpDrops(namespace);
    namespace.exec(['bash', '-c', `echo probe > /dev/udp/${namespace.hostIp}/9 || true`]);
    expect(udpDrops(namespace)).toBeGreaterThan(dropsBefore);

    const made = await server.createChannels(['Gates']);
    const gates = made.channels.Gates!;
    const outsideUser = await server.createUser('Ana', made.eventId, [gates]);
    const insideUser = await server.createUser('Ben', made.eventId, [gates]);

    const outside = new LabPage(await outsideBrowser.page(`${server.url}/lab.html`));
    await outside.connect(await server.token(outsideUser));
    await outside.join(gates);
    await outside.enableMicrophone();
    // Ana is already talking when Ben opens the page behind the firewall.
    expect((await outside.press(gates)).granted).toBe(true);

    const loadStarted = Date.now();
    const inside = new LabPage(await insideBrowser.page(`${server.url}/lab.html`));
    await inside.connect(await server.token(insideUser));
    await inside.join(gates);
    expect(await inside.waitForLevel(gates, 'above', 0.05, 20_000)).not.toBeNull();
    const firstAudioMs = Date.now() - loadStarted;
    const heard = await inside.measure(gates, 600);
    expect(heard.rms).toBeGreaterThan(0.05);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThan(40);
    await outside.release(gates);
    expect(await inside.waitForLevel(gates, 'below', 0.01, 3000)).not.toBeNull();

    // Ben talks from inside; Ana hears him.
    await inside.enableMicrophone();
    const pressedAt = Date.now();
    expect((await inside.press(gates)).granted).toBe(true);
    expect(await outside.waitForLevel(gates, 'above', 0.05, 20_000)).not.toBeNull();
    const pressToHearMs = Date.now() - pressedAt;
    const heardBack = await outside.measure(gates, 600);
    expect(heardBack.rms).toBeGreaterThan(0.05);
    expect(Math.abs(heardBack.peakHz - 1000)).toBeLessThan(40);
    await inside.release(gates);
    expect(await outside.waitForLevel(gates, 'below', 0.01, 3000)).not.toBeNull();

    console.log(
      `UDP blocked: page load to first audio ${firstAudioMs} ms (sign-in, join, ICE-TCP, talker already on air); ` +
        `press to hear from inside ${pressToHearMs} ms (including the microphone's start)`,
    );

    // Both of Ben's transports use a TCP candidate pair; Ana's (outside) stays on UDP.
    const insidePairs = await selectedCandidates(inside.page);
    expect(insidePairs.map((candidate) => candidate.direction).sort()).toEqual(['recv', 'send']);
    for (const candidate of insidePairs) {
      expect(candidate.protocol).toBe('tcp');
      // An active TCP candidate's port is learned from the server's reply, so Chromium reports it as
      // peer-reflexive; either way it is a direct connection to the SFU, no relay.
      expect(['host', 'prflx']).toContain(candidate.candidateType);
    }
    for (const candidate of await selectedCandidates(outside.page)) expect(candidate.protocol).toBe('udp');
  });
});

/** Packets the namespace's nftables rules have dropped so far (both directions). */
function udpDrops(namespace: TestNamespace): number {
  const listing = namespace.exec(['nft', 'list', 'table', 'inet', 'squelch_block_udp']);
  let total = 0;
  for (const match of listing.matchAll(/counter packets (\d+)/g)) total += Number(match[1]);
  return total;
}
