import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdmin, screenshot, seeded } from '../support/adminPage';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/**
 * An administrator changes an event's recording retention on its settings page, in real Chromium against a
 * real server: the page shows the current value, refuses what the server would refuse, and what it saves is
 * what the event then has.
 */
describe('an admin sets how long an event keeps its recordings', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  const stored = async (): Promise<number> =>
    (
      await server.squelch.controlPlane.db
        .selectFrom('events')
        .select('recording_retention_hours')
        .where('name', '=', 'Demo Festival')
        .executeTakeFirstOrThrow()
    ).recording_retention_hours;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchChromium();
    page = await openAdmin(browser, server, seeded(server, 'admin'));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows 24 h, refuses a negative value, saves 0 (off) and then 72', async () => {
    await page.getByRole('link', { name: 'Demo Festival' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Recording' });
    const hours = form.getByLabel('Keep recordings (hours)');
    await expect.poll(() => hours.inputValue()).toBe('24');

    await hours.fill('-3');
    await form.getByRole('button', { name: 'Save retention' }).click();
    await expect(form.getByRole('alert').innerText()).resolves.toMatch(/whole number of hours from 0/);
    expect(await stored()).toBe(24);

    await hours.fill('0');
    await form.getByRole('button', { name: 'Save retention' }).click();
    await form.getByRole('status').getByText('Saved: recording is off.').waitFor();
    expect(await stored()).toBe(0);

    await page.reload();
    const again = page.getByRole('form', { name: 'Recording' });
    await expect.poll(() => again.getByLabel('Keep recordings (hours)').inputValue()).toBe('0');
    await again.getByLabel('Keep recordings (hours)').fill('72');
    await again.getByRole('button', { name: 'Save retention' }).click();
    await again.getByRole('status').getByText('Saved: recordings are kept 72 h.').waitFor();
    expect(await stored()).toBe(72);
    await screenshot(page, 'recording-retention');
  });
});
