import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { installFeedbackLoop } from '../support/feedbackLoop';
import { installOutputTap, measureOutput } from '../support/outputTap';
import { speechFile } from '../support/speech';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const WARNING = 'Your microphone hears your speakers — use headphones.';

interface GuardFigures {
  checks: number;
  scored: number;
  detections: number;
  peak: number;
}

async function guardFigures(page: Page): Promise<GuardFigures> {
  const data = await page.locator('.console').evaluate((element: HTMLElement) => ({ ...element.dataset }));
  return {
    checks: Number(data.feedbackChecks ?? 0),
    scored: Number(data.feedbackScored ?? 0),
    detections: Number(data.feedbackDetections ?? 0),
    peak: Number(data.feedbackPeak ?? 0),
  };
}

/**
 * The console's feedback guard, on real Chromium with speech through the SFU. Gus talks on Gates and Mia on
 * Medical (two espeak voices, looped fake microphones); the dispatcher talks on Backstage. With the page's
 * microphone fed from its own output (the speakers heard through the air), the warning comes within 2 s
 * of pressing and the console's playback is ducked while transmitting; with a clean microphone (the
 * dispatcher's own voice) 30 s of overlapping traffic raise nothing.
 */
describe('dispatch console feedback guard', () => {
  let server: TestServer;
  let gusBrowser: UiBrowser;
  let miaBrowser: UiBrowser;
  let danaBrowser: UiBrowser;
  let channels: Record<string, string>;
  let eventId: string;
  let dispatcher: TestUser;
  let gus: Listener;
  let mia: Listener;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    gusBrowser = await launchUiBrowser({
      audioFile: speechFile('Gate three is clear, two people waiting at the barrier, over', 'en', {
        pitch: 35,
      }),
    });
    miaBrowser = await launchUiBrowser({
      audioFile: speechFile('Medical to north stand, one person feels unwell, bring a chair', 'en-us', {
        pitch: 75,
      }),
    });
    danaBrowser = await launchUiBrowser({
      audioFile: speechFile('Dispatch to all units, report your position and your status please', 'en', {
        pitch: 55,
        speed: 150,
      }),
    });
    const made = await server.createChannels(['Gates', 'Backstage', 'Medical']);
    channels = made.channels;
    eventId = made.eventId;
    dispatcher = await server.createUser('Dana', made.eventId, [], 'dispatch');
    const gusUser = await server.createUser('Gus', made.eventId, [channels.Gates!]);
    const miaUser = await server.createUser('Mia', made.eventId, [channels.Medical!]);
    gus = await Listener.open(
      (await gusBrowser.person(server.url)).page,
      server.url,
      await server.token(gusUser),
    );
    await gus.join(channels.Gates!);
    await gus.lab.enableMicrophone();
    mia = await Listener.open(
      (await miaBrowser.person(server.url)).page,
      server.url,
      await server.token(miaUser),
    );
    await mia.join(channels.Medical!);
    await mia.lab.enableMicrophone();
  });

  afterAll(async () => {
    await gusBrowser?.close();
    await miaBrowser?.close();
    await danaBrowser?.close();
    await server?.stop();
  });

  async function openConsole(
    page: Page,
    names: string[],
    answer: string | null = 'Speakers',
  ): Promise<AppPage> {
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.locator('.app[data-layout="grid"]').waitFor();
    // The question comes with the console; on speakers the guard is what stands between the channels.
    await page.getByRole('group', { name: 'Headphones' }).waitFor();
    if (answer !== null) await page.getByRole('button', { name: answer }).click();
    for (const name of names) {
      await app.tile(name).getByRole('switch').click();
      await app.tile(name).getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    }
    return app;
  }

  it('warns within 2 s when the microphone hears the speakers, and ducks playback while transmitting', async () => {
    const person = await danaBrowser.person(server.url, { viewport: { width: 1920, height: 1080 } });
    await installOutputTap(person.context);
    await installFeedbackLoop(person.context);
    const page = person.page;
    const app = await openConsole(page, ['Gates', 'Backstage']);
    expect((await gus.lab.press(channels.Gates!)).granted).toBe(true);
    await app.tile('Gates').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => (await measureOutput(page, 300)).left.rmsDb, { timeout: 10_000 })
      .toBeGreaterThan(-40);
    const before = (await measureOutput(page, 1500)).left.rmsDb;

    const ptt = app.tile('Backstage').locator('.ptt');
    const center = await app.center(ptt);
    await page.mouse.move(center.x, center.y);
    const pressed = Date.now();
    await page.mouse.down();
    await page.getByRole('alert').filter({ hasText: WARNING }).waitFor({ timeout: 5000 });
    const elapsed = Date.now() - pressed;
    expect(elapsed).toBeLessThan(2000);
    expect(await app.buttonState(ptt)).toBe('transmitting');
    // Ducked by 20 dB while transmitting (the default setting).
    await page.waitForTimeout(200);
    const ducked = (await measureOutput(page, 1000)).left.rmsDb;
    expect(before - ducked).toBeGreaterThan(15);
    await screenshot(page, 'console-feedback-warning');
    await page.mouse.up();
    await app.waitButtonState('idle', ptt);
    await page.waitForTimeout(200);
    const after = (await measureOutput(page, 1000)).left.rmsDb;
    expect(Math.abs(before - after)).toBeLessThan(4);

    // Set to mute: the next transmission silences the console while the warning stands.
    await page.getByLabel('Feedback guard').selectOption('mute');
    await page.mouse.down();
    await app.waitButtonState('transmitting', ptt);
    await page.waitForTimeout(200);
    expect((await measureOutput(page, 800)).left.rmsDb).toBeLessThan(-80);
    await page.mouse.up();
    await app.waitButtonState('idle', ptt);
    await page.getByLabel('Feedback guard').selectOption('duck');
    const figures = await guardFigures(page);
    expect(figures.detections).toBe(1);
    console.info(
      `feedback loop: warned ${elapsed} ms after the press, ducked ${(before - ducked).toFixed(1)} dB`,
      figures,
    );
    await gus.lab.release(channels.Gates!);
    await person.context.close();
  });

  it('raises no warning with a clean microphone over 30 s of overlapping traffic', async () => {
    const person = await danaBrowser.person(server.url, { viewport: { width: 1920, height: 1080 } });
    await installOutputTap(person.context);
    const page = person.page;
    const app = await openConsole(page, ['Gates', 'Backstage', 'Medical']);
    expect((await gus.lab.press(channels.Gates!)).granted).toBe(true);
    await app.tile('Gates').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
    const ptt = app.tile('Backstage').locator('.ptt');
    let loudest = -200;
    const started = Date.now();
    for (let round = 0; round < 6; round += 1) {
      // Mia comes and goes; Gus talks throughout; the dispatcher talks 4 s of every 5.
      if (round % 2 === 0) expect((await mia.lab.press(channels.Medical!)).granted).toBe(true);
      else await mia.lab.release(channels.Medical!);
      // Tiles grow as their recent transmissions fill in: aim anew each time.
      const center = await app.center(ptt);
      await page.mouse.move(center.x, center.y);
      await page.mouse.down();
      await app.waitButtonState('transmitting', ptt);
      loudest = Math.max(loudest, (await measureOutput(page, 3500)).left.rmsDb);
      await page.mouse.up();
      await app.waitButtonState('idle', ptt);
      await page.waitForTimeout(500);
    }
    await mia.lab.release(channels.Medical!);
    await gus.lab.release(channels.Gates!);
    const figures = await guardFigures(page);
    console.info(
      `clean microphone: ${Date.now() - started} ms of traffic, loudest ${loudest.toFixed(1)} dB`,
      figures,
    );
    // The console played the traffic while the dispatcher talked, and the guard compared it each time.
    expect(loudest).toBeGreaterThan(-40);
    expect(figures.scored).toBeGreaterThan(80);
    expect(figures.detections).toBe(0);
    expect(await page.getByRole('alert').filter({ hasText: WARNING }).count()).toBe(0);
    await person.context.close();
  });

  it('keeps talking off until the dispatcher confirms headphones when the event requires them', async () => {
    const auth = server.squelch.controlPlane.services.auth;
    const admin = (await auth.login(server.admin.email, server.admin.password, '127.0.0.1')).user;
    await server.squelch.controlPlane.services.events.update(
      { userId: admin.id, displayName: admin.displayName, isAdmin: true },
      eventId,
      { headphonesRequired: true },
    );
    const person = await danaBrowser.person(server.url, { viewport: { width: 1920, height: 1080 } });
    const page = person.page;
    const app = await openConsole(page, ['Backstage'], null);
    const question = page.getByRole('group', { name: 'Headphones' });
    await expect.poll(() => question.innerText()).toContain('This event requires headphones');
    expect(await page.getByRole('button', { name: 'Speakers' }).count()).toBe(0);
    const ptt = app.tile('Backstage').locator('.ptt');
    await expect.poll(() => ptt.getAttribute('aria-disabled')).toBe('true');
    expect(await ptt.innerText()).toContain('Headphones required');
    await screenshot(page, 'console-headphones-required');

    await page.getByRole('button', { name: 'I am on headphones' }).click();
    await expect.poll(() => ptt.getAttribute('aria-disabled')).toBe('false');
    expect(await question.count()).toBe(0);
    const center = await app.center(ptt);
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting', ptt);
    await page.mouse.up();
    await app.waitButtonState('idle', ptt);
    await person.context.close();
  });
});
