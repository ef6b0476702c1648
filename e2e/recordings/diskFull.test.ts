import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/apiRequest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/**
 * A nearly full recordings disk: an 8 MB tmpfs mounted for the test, recording pausing below 4 MB free.
 * Recording pauses and /readyz says so while the node stays ready; live audio goes on; recording resumes when
 * space is back. Needs permission to mount a tmpfs (root).
 */
describe('recording on a nearly full disk', () => {
  let mount: string;
  let mounted = false;
  let server: TestServer;
  let browser: TestBrowser;
  let alice: LabPage;
  let bob: LabPage;
  let x: string;
  let bobToken: string;

  const talk = async (ms: number): Promise<{ rms: number; peakHz: number }> => {
    expect((await alice.press(x)).granted).toBe(true);
    expect(await bob.waitForLevel(x, 'above', 0.05, 3000)).not.toBeNull();
    const heard = await bob.measure(x, ms);
    await alice.release(x);
    await server.squelch.recordings.recorder.settled();
    return heard;
  };
  const count = async (): Promise<number> =>
    (await apiRequest(`${server.url}/api/channels/${x}/transmissions`, { token: bobToken })).json<{
      transmissions: unknown[];
    }>().transmissions.length;
  const readyz = async () =>
    (await apiRequest(`${server.url}/readyz`)).json<{ status: string; notices: Record<string, string> }>();

  beforeAll(async () => {
    mount = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
    mounted = true;
    server = await startTestServer({
      workers: 1,
      env: { SQUELCH_RECORDINGS_DIR: mount, SQUELCH_RECORDINGS_MIN_FREE_MB: '4' },
    });
    browser = await launchChromium();
    const made = await server.createChannels(['X']);
    x = made.channels.X!;
    const aliceUser = await server.createUser('Alice', made.eventId, [x]);
    const bobUser = await server.createUser('Bob', made.eventId, [x]);
    bobToken = await server.token(bobUser);
    alice = new LabPage(await browser.page(`${server.url}/lab.html`));
    await alice.connect(await server.token(aliceUser));
    await alice.enableMicrophone();
    bob = new LabPage(await browser.page(`${server.url}/lab.html`));
    await bob.connect(bobToken);
    await alice.join(x);
    await bob.join(x);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (mounted) execFileSync('umount', [mount]);
    if (mount !== undefined) await fs.rm(mount, { recursive: true, force: true });
  });

  it('pauses recording while live audio goes on, says so on /readyz, and resumes when space is back', async () => {
    const recordings = server.squelch.recordings;
    await talk(500);
    expect(await count()).toBe(1);
    expect((await readyz()).notices).toEqual({});

    // Leave about 3 MB free: below the 4 MB threshold.
    const filler = path.join(mount, 'filler');
    await fs.writeFile(filler, Buffer.alloc(5 * 1_048_576, 1));
    expect(await recordings.disk.check()).toBe(true);
    const ready = await readyz();
    expect(ready.status).toBe('ready');
    expect(ready.notices.recording).toMatch(/^Recording paused: the recordings disk is nearly full/);

    const heard = await talk(1000);
    expect(heard.rms).toBeGreaterThan(0.1);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);
    expect(await count()).toBe(1);
    const files = (await fs.readdir(path.join(mount, x), { recursive: true, withFileTypes: true })).filter(
      (e) => e.isFile(),
    );
    expect(files).toHaveLength(1);

    await fs.rm(filler);
    expect(await recordings.disk.check()).toBe(false);
    expect((await readyz()).notices).toEqual({});
    await talk(500);
    expect(await count()).toBe(2);
  });
});
