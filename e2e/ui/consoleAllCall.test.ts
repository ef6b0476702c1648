import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneFile } from '../support/browser';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? -200;

/**
 * All-call from the dispatch console: the dispatcher (1 kHz microphone) selects North, South and East, plus
 * Bar where Bob (440 Hz) is talking, and holds the all-call button. One listener per free channel hears the
 * dispatcher; Bar is reported busy and Bob's listeners go on hearing Bob only; letting go releases all
 * three floors together.
 */
describe('dispatch console all-call', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let bobBrowser: UiBrowser;
  let channels: Record<string, string>;
  const listeners: Record<string, Listener> = {};
  let bob: Listener;
  let dispatcher: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    bobBrowser = await launchUiBrowser({ audioFile: toneFile(440) });
    const made = await server.createChannels(['North', 'South', 'East', 'Bar']);
    channels = made.channels;
    for (const name of ['North', 'South', 'East', 'Bar']) {
      const user = await server.createUser(`Listener ${name}`, made.eventId, [channels[name]!]);
      const listener = await Listener.open(
        (await browser.person(server.url)).page,
        server.url,
        await server.token(user),
      );
      await listener.join(channels[name]!);
      listeners[name] = listener;
    }
    const bobUser = await server.createUser('Bob Barman', made.eventId, [channels.Bar!]);
    bob = await Listener.open(
      (await bobBrowser.person(server.url)).page,
      server.url,
      await server.token(bobUser),
    );
    await bob.join(channels.Bar!);
    await bob.lab.enableMicrophone();
    dispatcher = await server.createUser('Dana', made.eventId, [], 'dispatch');
  });

  afterAll(async () => {
    await browser?.close();
    await bobBrowser?.close();
    await server?.stop();
  });

  it('talks on every selected free channel at once, reports the busy one and leaves its talker alone', async () => {
    const page = (await browser.person(server.url, { viewport: { width: 1920, height: 1080 } })).page;
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.locator('.app[data-layout="grid"]').waitFor();
    await page.getByRole('button', { name: 'I am on headphones' }).click();
    for (const name of ['North', 'South', 'East', 'Bar']) {
      await app.tile(name).getByRole('switch').click();
      await app.tile(name).getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
      await page.getByRole('checkbox', { name: `All-call ${name}` }).check();
    }
    expect((await bob.lab.press(channels.Bar!)).granted).toBe(true);
    await app.tile('Bar').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
    expect(await listeners.Bar!.waitFor(channels.Bar!, 'above')).not.toBeNull();

    const button = page.getByRole('button', { name: /talk on 4 channels/ });
    const box = (await button.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    // Bob's channel is listened to while the all-call goes on: only his 440 Hz, never the dispatcher's 1 kHz.
    const barSpectrum = listeners.Bar!.spectrum(channels.Bar!, 2500);
    for (const name of ['North', 'South', 'East']) {
      await app.waitButtonState('transmitting', app.tile(name).locator('.ptt'));
    }
    const report = page.getByRole('status').filter({ hasText: 'Busy, not taken' });
    await report.waitFor({ timeout: 5000 });
    expect(await report.innerText()).toContain('Bar (Bob Barman)');
    expect(await report.innerText()).toMatch(/On air: East, North, South\./);
    // The console's microphone has noise suppression on, which fades a steady test tone to RMS ≈ 0.04 within
    // a second: heard means clearly above the 0.01 of silence.
    const levels = await Promise.all(
      ['North', 'South', 'East'].map((name) => listeners[name]!.level(channels[name]!, 600)),
    );
    console.info('all-call levels (North, South, East)', levels);
    for (const level of levels) expect(level).toBeGreaterThan(0.02);
    const frames = await barSpectrum;
    expect(median(frames.map((frame) => frame.bands['440']))).toBeGreaterThan(-40);
    expect(median(frames.map((frame) => frame.bands['1000']))).toBeLessThan(
      median(frames.map((f) => f.bands['440'])) - 30,
    );
    expect(await app.tile('Bar').locator('.floor').innerText()).toContain('Bob Barman is speaking');
    await screenshot(page, 'console-all-call');

    await page.mouse.up();
    for (const name of ['North', 'South', 'East']) {
      await app.waitButtonState('idle', app.tile(name).locator('.ptt'));
      expect(await listeners[name]!.waitFor(channels[name]!, 'below', 3000), name).not.toBeNull();
    }
    // Bob was never interrupted.
    expect(await listeners.Bar!.level(channels.Bar!, 600)).toBeGreaterThan(0.05);
    expect(await app.tile('Bar').locator('.floor').innerText()).toContain('Bob Barman is speaking');
    await bob.lab.release(channels.Bar!);
  });
});
