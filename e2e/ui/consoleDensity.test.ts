import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

interface Box {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Density: a dispatcher with 50 channels sees every tile at once on a 1920×1080 screen, none overlapping,
 * every talk button reachable by the pointer where it is drawn; the filter still narrows the tiles, and a
 * tile's talk button still talks.
 */
describe('dispatch console with 50 channels', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let dispatcher: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const names = Array.from({ length: 50 }, (_, i) => `Post ${String(i + 1).padStart(2, '0')}`);
    const made = await server.createChannels(names);
    dispatcher = await server.createUser('Dana', made.eventId, [], 'dispatch');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('fits 50 tiles on one screen without overlap, with clickable talk buttons', async () => {
    const page = (await browser.person(server.url, { viewport: { width: 1920, height: 1080 } })).page;
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.locator('.app[data-layout="grid"]').waitFor();
    await page.getByRole('button', { name: 'I am on headphones' }).click();
    await expect.poll(() => page.locator('.tile').count(), { timeout: 15_000 }).toBe(50);
    await page.locator('.console[data-density="dense"]').waitFor();

    const boxes: Box[] = await page.locator('.tile').evaluateAll((tiles) =>
      tiles.map((tile) => {
        const rect = tile.getBoundingClientRect();
        return {
          name: tile.getAttribute('aria-label') ?? '',
          x: rect.x,
          y: rect.y,
          width: rect.width,
          height: rect.height,
        };
      }),
    );
    for (const box of boxes) {
      expect(box.x, box.name).toBeGreaterThanOrEqual(0);
      expect(box.y, box.name).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, box.name).toBeLessThanOrEqual(1920);
      expect(box.y + box.height, box.name).toBeLessThanOrEqual(1080);
      // Readable: a tile is not squeezed below a talk button and a name.
      expect(box.width, box.name).toBeGreaterThan(140);
    }
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap =
          a.x < b.x + b.width - 0.5 &&
          b.x < a.x + a.width - 0.5 &&
          a.y < b.y + b.height - 0.5 &&
          b.y < a.y + a.height - 0.5;
        expect(overlap, `${a.name} overlaps ${b.name}`).toBe(false);
      }
    }
    // Readable: every channel name shows in full (not cut off with an ellipsis).
    const clipped = await page
      .locator('.tile .tile__name')
      .evaluateAll((names) => names.filter((name) => name.scrollWidth > name.clientWidth).length);
    expect(clipped).toBe(0);
    // The pointer lands on each tile's own talk button at its centre.
    const hits = await page.locator('.tile .ptt').evaluateAll((buttons) =>
      buttons.map((button) => {
        const rect = button.getBoundingClientRect();
        const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
        return hit !== null && button.contains(hit);
      }),
    );
    expect(hits).toHaveLength(50);
    expect(hits.every(Boolean)).toBe(true);
    await screenshot(page, 'console-50-channels');

    // Operable: join the last tile and talk on it with the pointer.
    const last = app.tile('Post 50');
    await last.getByRole('switch').click();
    await last.getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
    const ptt = last.locator('.ptt');
    const center = await app.center(ptt);
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting', ptt);
    await page.mouse.up();
    await app.waitButtonState('idle', ptt);

    // Filtering stays.
    await page.getByLabel('Filter channels').fill('Post 0');
    await expect.poll(() => page.locator('.tile').count()).toBe(9);
  });
});
