import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** The dispatcher's console: all channels as tiles, a talk button and a volume per channel, management link. */
describe('dispatch console', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let channels: Record<string, string>;
  let dispatcher: TestUser;
  let guards: Record<'gus' | 'mia', TestUser>;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates', 'Backstage', 'Parking', 'Medical']);
    channels = made.channels;
    dispatcher = await server.createUser('Dana', made.eventId, [], 'dispatch');
    guards = {
      gus: await server.createUser('Gus', made.eventId, [channels.Gates!]),
      mia: await server.createUser('Mia', made.eventId, [channels.Backstage!]),
    };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('talks on the channel of the pressed tile only, with per-channel volume', async () => {
    const gates = channels.Gates!;
    const backstage = channels.Backstage!;
    const gus = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(guards.gus),
    );
    await gus.join(gates);
    const mia = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(guards.mia),
    );
    await mia.join(backstage);

    const { page } = await browser.person(server.url, { viewport: { width: 1440, height: 900 } });
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.locator('.app[data-layout="grid"]').waitFor();
    await app.useRawMicrophone();
    expect(await page.locator('.tile').count()).toBe(4);
    // A dispatcher chooses what to monitor: nothing is joined on first use.
    expect(await page.locator('.tile[data-joined="true"]').count()).toBe(0);
    for (const name of ['Gates', 'Backstage']) {
      await app.tile(name).getByRole('switch').click();
      await app.tile(name).getByRole('switch', { checked: true }).waitFor();
    }

    const gatesPtt = app.tile('Gates').locator('.ptt');
    const center = await app.center(gatesPtt);
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting', gatesPtt);
    expect(await gus.waitFor(gates, 'above')).not.toBeNull();
    expect(await mia.level(backstage, 800)).toBeLessThan(0.01);
    expect(await app.buttonState(app.tile('Backstage').locator('.ptt'))).toBe('idle');
    await screenshot(page, 'dispatch-console-transmitting');
    await page.mouse.up();
    await app.waitButtonState('idle', gatesPtt);
    expect(await gus.waitFor(gates, 'below', 3000)).not.toBeNull();

    const slider = app.tile('Backstage').getByRole('slider', { name: 'Volume of Backstage' });
    await slider.fill('30');
    await expect
      .poll(() => app.tile('Backstage').locator('.placement').getAttribute('data-gain'))
      .toBe('0.300');
    await page.reload();
    await app.waitConnected();
    await app.tile('Backstage').getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    expect(await app.tile('Backstage').getByRole('slider').inputValue()).toBe('30');
    await expect
      .poll(() => app.tile('Backstage').locator('.placement').getAttribute('data-gain'))
      .toBe('0.300');
  });

  it('opens the management pages at /admin and comes back to a still connected radio', async () => {
    const { page } = await browser.person(server.url);
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.getByRole('link', { name: 'Management' }).click();
    expect(new URL(page.url()).pathname).toBe('/admin');
    await page.getByRole('heading', { name: 'Management' }).waitFor();
    await screenshot(page, 'dispatch-management');
    await page.getByRole('link', { name: 'Radio' }).click();
    await page.locator('.app[data-layout="grid"]').waitFor();
    expect(await page.locator('.app').getAttribute('data-connection')).toBe('connected');
  });
});
