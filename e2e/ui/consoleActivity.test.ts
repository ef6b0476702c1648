import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

interface Row {
  channel: string;
  who: string;
  length: string;
}

async function activityRows(page: Page): Promise<Row[]> {
  return page.locator('.activity__item').evaluateAll((items) =>
    items.map((item) => ({
      channel: item.querySelector('.activity__channel')?.textContent ?? '',
      who: item.querySelector('.activity__who')?.textContent ?? '',
      length: item.querySelector('.activity__length')?.textContent ?? '',
    })),
  );
}

function seconds(length: string): number {
  const match = /^([\d.]+) s$/.exec(length);
  if (match === null) throw new Error(`not a length: ${length}`);
  return Number(match[1]);
}

/**
 * Who talks where on the dispatch console: after a scripted sequence of talks (Gus Guard on Gates, Mia Medic
 * on Medical, Gus again), each tile's "last:" line and the activity list give the right names, order and
 * lengths; choosing an entry brings its tile into view; an active tile is highlighted where it stands.
 */
describe('dispatch console activity', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let channels: Record<string, string>;
  let gus: Listener;
  let mia: Listener;
  let page: Page;
  let app: AppPage;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const areas = Array.from({ length: 18 }, (_, i) => `Area ${String(i + 1).padStart(2, '0')}`);
    const made = await server.createChannels([...areas, 'Gates', 'Medical']);
    channels = made.channels;
    const dispatcher = await server.createUser('Dana Dispatch', made.eventId, [], 'dispatch');
    const gusUser = await server.createUser('Gus Guard', made.eventId, [channels.Gates!]);
    const miaUser = await server.createUser('Mia Medic', made.eventId, [channels.Medical!]);
    gus = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(gusUser),
    );
    await gus.join(channels.Gates!);
    await gus.lab.enableMicrophone();
    mia = await Listener.open(
      (await browser.person(server.url)).page,
      server.url,
      await server.token(miaUser),
    );
    await mia.join(channels.Medical!);
    await mia.lab.enableMicrophone();

    page = (await browser.person(server.url)).page;
    app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.locator('.app[data-layout="grid"]').waitFor();
    await page.getByRole('button', { name: 'I am on headphones' }).click();
    for (const name of ['Gates', 'Medical']) {
      await app.tile(name).getByRole('switch').click();
      await app.tile(name).getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function talk(who: Listener, channel: string, ms: number): Promise<number> {
    const result = await who.lab.press(channels[channel]!);
    expect(result.granted).toBe(true);
    const started = Date.now();
    await page.waitForTimeout(ms);
    await who.lab.release(channels[channel]!);
    const length = Date.now() - started;
    await app.tile(channel).and(page.locator('[data-speaking="false"]')).waitFor({ timeout: 10_000 });
    return length;
  }

  it('shows the last talker on each tile and the latest transmissions with their lengths', async () => {
    const tileOrder = () => page.locator('.tile .tile__name').allInnerTexts();
    const order = await tileOrder();
    expect(await app.tile('Gates').locator('.last-heard').innerText()).toBe('last: nobody yet');

    const first = await talk(gus, 'Gates', 2000);
    // Mia's talk: her tile lights up where it is, nothing moves.
    expect((await mia.lab.press(channels.Medical!)).granted).toBe(true);
    const miaStarted = Date.now();
    await app.tile('Medical').and(page.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
    expect(await app.tile('Medical').locator('.last-heard').innerText()).toBe('last: Mia Medic, on air');
    expect((await activityRows(page))[0]).toEqual({ channel: 'Medical', who: 'Mia Medic', length: 'on air' });
    expect(await tileOrder()).toEqual(order);
    await page.waitForTimeout(3000 - (Date.now() - miaStarted));
    await mia.lab.release(channels.Medical!);
    const second = Date.now() - miaStarted;
    await app.tile('Medical').and(page.locator('[data-speaking="false"]')).waitFor({ timeout: 10_000 });
    const third = await talk(gus, 'Gates', 1000);

    const rows = await activityRows(page);
    expect(rows.map((row) => [row.channel, row.who])).toEqual([
      ['Gates', 'Gus Guard'],
      ['Medical', 'Mia Medic'],
      ['Gates', 'Gus Guard'],
    ]);
    // Lengths as the console saw them (floor taken → idle), within a second of the scripted ones.
    const lengths = rows.map((row) => seconds(row.length));
    [third, second, first].forEach((expected, index) => {
      expect(Math.abs(lengths[index]! - expected / 1000), `row ${index}`).toBeLessThan(1);
    });
    console.info('scripted ms', [third, second, first], 'shown', rows);

    await page.waitForTimeout(5500);
    const gates = await app.tile('Gates').locator('.last-heard').innerText();
    const medical = await app.tile('Medical').locator('.last-heard').innerText();
    expect(gates).toMatch(/^last: Gus Guard, \d+ s ago$/);
    expect(medical).toMatch(/^last: Mia Medic, \d+ s ago$/);
    const ago = (text: string) => Number(/(\d+) s ago/.exec(text)![1]);
    expect(ago(gates)).toBeGreaterThanOrEqual(5);
    expect(ago(gates)).toBeLessThan(10);
    expect(ago(medical)).toBeGreaterThan(ago(gates));
    expect(await tileOrder()).toEqual(order);
  });

  it('brings the tile of a chosen transmission into view', async () => {
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.querySelector('.console')?.scrollTo(0, 0);
    });
    const inView = async (name: string) => {
      const box = await app.tile(name).boundingBox();
      const viewport = page.viewportSize()!;
      return box !== null && box.y >= -1 && box.y + box.height <= viewport.height + 1;
    };
    expect(await inView('Medical')).toBe(false);
    await page.locator('.activity__item', { hasText: 'Medical' }).click();
    await expect.poll(() => inView('Medical'), { timeout: 3000 }).toBe(true);
    expect(await app.tile('Medical').getAttribute('data-flash')).toBe('true');
    await screenshot(page, 'console-activity');
  });
});
