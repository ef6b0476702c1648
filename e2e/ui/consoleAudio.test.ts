import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toneFile } from '../support/browser';
import { installOutputTap, toneDb, measureOutput } from '../support/outputTap';
import type { OutputLevel } from '../support/outputTap';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const MEASURE_MS = 1500;

/** Power of both sides together at a frequency, dB. */
/**
 * Audio placement on the dispatch console, measured on what the page sends to its speakers (a stereo tap on the
 * Web Audio destination): pan, select dim, priority dim, mute and solo, and that the placement is remembered.
 * Gus talks on Gates with a 1 kHz microphone, Mia on Medical with a 440 Hz one.
 */
describe('dispatch console audio placement', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let lowBrowser: UiBrowser;
  let channels: Record<string, string>;
  let dispatcher: TestUser;
  let gus: Listener;
  let mia: Listener;
  let page: Page;
  let app: AppPage;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    lowBrowser = await launchUiBrowser({ audioFile: toneFile(440) });
    const made = await server.createChannels(['Gates', 'Backstage', 'Medical']);
    channels = made.channels;
    dispatcher = await server.createUser('Dana', made.eventId, [], 'dispatch');
    const gusUser = await server.createUser('Gus', made.eventId, [channels.Gates!]);
    const miaUser = await server.createUser('Mia', made.eventId, [channels.Medical!]);
    gus = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(gusUser),
    );
    await gus.join(channels.Gates!);
    await gus.lab.enableMicrophone();
    mia = await Listener.open(
      (await lowBrowser.person(server.url)).page,
      server.url,
      await server.token(miaUser),
    );
    await mia.join(channels.Medical!);
    await mia.lab.enableMicrophone();

    const person = await browser.person(server.url, { viewport: { width: 1920, height: 1080 } });
    await installOutputTap(person.context);
    page = person.page;
    app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.locator('.app[data-layout="grid"]').waitFor();
    for (const name of ['Gates', 'Backstage', 'Medical']) {
      await app.tile(name).getByRole('switch').click();
      await app.tile(name).getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    }
    expect((await gus.lab.press(channels.Gates!)).granted).toBe(true);
    await app.tile('Gates').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await lowBrowser?.close();
    await server?.stop();
  });

  async function settled(): Promise<OutputLevel> {
    await page.waitForTimeout(300);
    return measureOutput(page, MEASURE_MS, [1000, 440]);
  }

  it('pans a channel left: its tone is on the left side only', async () => {
    // The received 1 kHz has reached the speakers.
    await expect
      .poll(async () => toneDb(await measureOutput(page, 300), 1000), { timeout: 10_000 })
      .toBeGreaterThan(-30);
    const centre = await settled();
    expect(Math.abs(centre.left.tones[1000]! - centre.right.tones[1000]!)).toBeLessThan(1);
    await app.tile('Gates').getByRole('radio', { name: 'Pan Gates left' }).click();
    const left = await settled();
    expect(left.left.tones[1000]!).toBeGreaterThan(-30);
    expect(left.left.tones[1000]! - left.right.tones[1000]!).toBeGreaterThan(40);
    await app.tile('Gates').getByRole('radio', { name: 'Pan Gates right' }).click();
    const right = await settled();
    expect(right.right.tones[1000]! - right.left.tones[1000]!).toBeGreaterThan(40);
    await app.tile('Gates').getByRole('radio', { name: 'Pan Gates centre' }).click();
  });

  it('dims unselected channels by the set amount (±1 dB), the selected one stays at full level', async () => {
    const full = toneDb(await settled(), 1000);
    await app.tile('Backstage').getByRole('button', { name: 'Select Backstage' }).click();
    const dimmed = toneDb(await settled(), 1000);
    expect(full - dimmed).toBeGreaterThan(11);
    expect(full - dimmed).toBeLessThan(13);
    await page.getByLabel('Unselected dim').fill('20');
    const deeper = toneDb(await settled(), 1000);
    expect(full - deeper).toBeGreaterThan(19);
    expect(full - deeper).toBeLessThan(21);
    await app.tile('Gates').getByRole('button', { name: 'Select Gates' }).click();
    const selected = toneDb(await settled(), 1000);
    expect(Math.abs(full - selected)).toBeLessThan(1);
    await app.tile('Gates').getByRole('button', { name: 'Select Gates' }).click();
  });

  it('dims the other channels by the priority dim while a priority channel is active (±1 dB)', async () => {
    await app.tile('Medical').getByRole('button', { name: 'Priority Medical' }).click();
    await page.getByLabel('Priority dim').fill('18');
    const before = await settled();
    expect((await mia.lab.press(channels.Medical!)).granted).toBe(true);
    await app.tile('Medical').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
    const during = await settled();
    // Mia's 440 Hz is heard at full level, Gates is dimmed by 18 dB.
    expect(toneDb(during, 440)).toBeGreaterThan(-30);
    const drop = toneDb(before, 1000) - toneDb(during, 1000);
    expect(drop).toBeGreaterThan(17);
    expect(drop).toBeLessThan(19);
    await mia.lab.release(channels.Medical!);
    await app.tile('Medical').and(page.locator('[data-speaking="false"]')).waitFor({ timeout: 10_000 });
    const after = await settled();
    expect(Math.abs(toneDb(before, 1000) - toneDb(after, 1000))).toBeLessThan(1);
    await screenshot(page, 'console-placement');
  });

  it('mutes a channel, solos another, and remembers the placement after a reload', async () => {
    const full = toneDb(await settled(), 1000);
    await app.tile('Gates').getByRole('button', { name: 'Mute Gates' }).click();
    expect(full - toneDb(await settled(), 1000)).toBeGreaterThan(40);
    await app.tile('Gates').getByRole('button', { name: 'Mute Gates' }).click();
    expect(Math.abs(full - toneDb(await settled(), 1000))).toBeLessThan(1);
    await app.tile('Backstage').getByRole('button', { name: 'Solo Backstage' }).click();
    expect(full - toneDb(await settled(), 1000)).toBeGreaterThan(40);
    await app.tile('Backstage').getByRole('button', { name: 'Solo Backstage' }).click();
    await app.tile('Gates').getByRole('radio', { name: 'Pan Gates left' }).click();

    await page.reload();
    await app.waitConnected();
    await app.tile('Gates').getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    expect(
      await app.tile('Gates').getByRole('radio', { name: 'Pan Gates left' }).getAttribute('aria-checked'),
    ).toBe('true');
    expect(
      await app
        .tile('Medical')
        .getByRole('button', { name: 'Priority Medical' })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await page.getByLabel('Unselected dim').inputValue()).toBe('20');
    expect(await page.getByLabel('Priority dim').inputValue()).toBe('18');
    // Gus is still talking: after the reload his tone comes out on the left only.
    await page.locator('.console').click({ position: { x: 5, y: 5 } });
    await expect
      .poll(async () => (await measureOutput(page, 300)).left.tones[1000]!, { timeout: 10_000 })
      .toBeGreaterThan(-30);
    const level = await settled();
    expect(level.left.tones[1000]! - level.right.tones[1000]!).toBeGreaterThan(40);
    await gus.lab.release(channels.Gates!);
  });
});
