import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import { installOutputTap, measureOutput, toneDb } from '../support/outputTap';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import type { TestUser } from '../support/squelchServer';

/** The raiser's open microphone, shortened for the test (default 10 s). */
const TALK_MS = 4000;
/** The alert tone's lower frequency (packages/server/assets/tones/emergency.wav). */
const ALERT_HZ = 1400;

/** Holds the pointer on the Emergency control for `ms`. */
async function hold(page: Page, ms: number): Promise<void> {
  await page.locator('.emergency__button').hover();
  await page.mouse.down();
  await page.waitForTimeout(ms);
  await page.mouse.up();
}

/**
 * Emergency end to end in the UI, on two nodes sharing Redis and PostgreSQL: Gus (node 1, a 1 kHz fake
 * microphone) raises on Stage with the hold and the countdown; a cancelled countdown alerts nobody; Dana, a
 * dispatcher on node 2, gets the red banner and hears the alert tone until she acknowledges, then clears; a
 * listener on node 2 hears Gus's open microphone for the configured time without any button held; the audit
 * log holds each step.
 */
describe('emergency in the UI across two nodes', () => {
  let cluster: Cluster;
  let browser: UiBrowser;
  let stage: string;
  let gusUser: TestUser;
  let danaUser: TestUser;
  let gus: AppPage;
  let dana: AppPage;
  let listener: Listener;

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'redis', env: { SQUELCH_EMERGENCY_TALK_MS: String(TALK_MS) } });
    browser = await launchUiBrowser();
    const [one, two] = [cluster.node(0), cluster.node(1)];
    const made = await one.createChannels(['Stage']);
    stage = made.channels.Stage!;
    gusUser = await one.createUser('Gus', made.eventId, [stage]);
    danaUser = await one.createUser('Dana', made.eventId, [stage], 'dispatch');
    const carol = await one.createUser('Carol', made.eventId, [stage]);

    listener = await Listener.open((await browser.person(two.url)).page, two.url, await two.token(carol));
    await listener.join(stage);

    gus = new AppPage((await browser.person(one.url)).page);
    await gus.open(`${one.url}/`);
    await gus.signIn(gusUser);
    await gus.useRawMicrophone();
    await gus.selectTalkChannel('Stage');
    await gus.waitJoined('Stage');

    const person = await browser.person(two.url, { viewport: { width: 1600, height: 1000 } });
    await installOutputTap(person.context);
    dana = new AppPage(person.page);
    await dana.open(`${two.url}/`);
    await dana.signIn(danaUser);
    await person.page.locator('.app[data-layout="grid"]').waitFor();
    await dana.tile('Stage').getByRole('switch').click();
    await dana.tile('Stage').getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('raises with the hold and countdown, alerts the dispatcher on the other node, opens the microphone', async () => {
    const page = gus.page;
    const stageOf = () => page.locator('[data-emergency-stage]').getAttribute('data-emergency-stage');
    const banner = dana.page.locator('.banner--emergency');

    // A short press does nothing; a hold starts the countdown, and Cancel during it alerts nobody.
    await hold(page, 400);
    expect(await stageOf()).toBe('idle');
    await hold(page, 1700);
    await page.locator('[data-emergency-countdown]').waitFor();
    expect(await stageOf()).toBe('countdown');
    await screenshot(page, 'emergency-countdown');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await stageOf()).toBe('idle');
    await dana.page.waitForTimeout(4000);
    expect(await banner.count()).toBe(0);
    expect(await listener.level(stage, 400)).toBeLessThan(0.01);

    // The real one: hold, countdown, then the microphone opens without the button held.
    await hold(page, 1700);
    await page.locator('[data-emergency-countdown="1"]').waitFor({ timeout: 5000 });
    await page
      .locator('[data-emergency-stage="talking"]')
      .waitFor({ timeout: 5000 })
      .catch(async (error: unknown) => {
        const shown = await page.locator('.app').innerText();
        throw new Error(`no open microphone shown; the page says: ${shown.slice(0, 800)}`, { cause: error });
      });
    const openedAt = Date.now();
    expect(await listener.waitFor(stage, 'above', 3000)).not.toBeNull();
    await screenshot(page, 'emergency-talking');

    // Dana (node 2): the red banner with who and where, and the alert tone at her speakers.
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.textContent()).toMatch(/Emergency on Stage: Gus at /);
    expect(await banner.getAttribute('data-emergency-state')).toBe('raised');
    const ringing = toneDb(await measureOutput(dana.page, 3000, [ALERT_HZ]), ALERT_HZ);
    expect(ringing).toBeGreaterThan(-40);
    await screenshot(dana.page, 'emergency-dispatcher-alerted');

    // The microphone stays open for the configured time, then closes by itself.
    const closedAfter = (await listener.waitFor(stage, 'below', TALK_MS + 5000)) ?? Number.NaN;
    const openFor = Date.now() - openedAt;
    expect(closedAfter).not.toBeNaN();
    expect(openFor).toBeGreaterThan(TALK_MS - 1500);
    expect(openFor).toBeLessThan(TALK_MS + 4000);

    // Acknowledge stops the tone; Clear takes the banner away.
    await banner.getByRole('button', { name: 'Acknowledge' }).click();
    await dana.page.locator('.banner--emergency[data-emergency-state="acknowledged"]').waitFor();
    await dana.page.waitForTimeout(1600);
    const quiet = toneDb(await measureOutput(dana.page, 1600, [ALERT_HZ]), ALERT_HZ);
    expect(quiet).toBeLessThan(ringing - 20);
    await banner.getByRole('button', { name: 'Clear' }).click();
    await banner.waitFor({ state: 'detached', timeout: 5000 });
    await gus.page.locator('.banner--emergency').waitFor({ state: 'detached', timeout: 5000 });

    const audit = await cluster
      .node(0)
      .squelch.controlPlane.db.selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('target_type', '=', 'emergency')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'emergency.raise', actor_id: gusUser.id },
      { action: 'emergency.acknowledge', actor_id: danaUser.id },
      { action: 'emergency.clear', actor_id: danaUser.id },
    ]);
  }, 120_000);
});
