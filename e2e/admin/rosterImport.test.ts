import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/** 1000 people over 10 teams × 6 channels: an event at the scale the management pages must stay usable. */
function roster(people: number): string {
  const lines = ['email,name,role,team,channels'];
  for (let i = 0; i < people; i += 1) {
    const c = Math.floor(i / 10) % 6;
    lines.push(`p${i}@crew.example,Steward ${String(i).padStart(4, '0')},general,Team ${i % 10},Ch ${c}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * An administrator sets up an event of 1000 people from a CSV file in the management pages (preview, then
 * import), then finds people in the paged member list (real Chromium, real server).
 */
describe('importing a roster in the management pages', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let page: Page;
  let eventId: string;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    eventId = (await server.createChannels([])).eventId;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-roster-'));
    ({ page } = await browser.person(server.url));
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn({ ...server.admin, id: '', displayName: 'admin' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir !== undefined) await fs.rm(dir, { recursive: true, force: true });
  });

  async function choose(name: string, csv: string): Promise<void> {
    const file = path.join(dir, name);
    await fs.writeFile(file, csv);
    await page.getByLabel('Roster file (CSV)').setInputFiles(file);
  }

  it('shows the problems of a bad file by line and column and imports nothing', async () => {
    await page.goto(`${server.url}/admin#/events/${eventId}/roster`);
    await choose('bad.csv', 'email,name,role,team,channels\nann@crew.example,Ann,captain,North,Gate 1\n');
    await page.getByRole('button', { name: 'Preview' }).click();
    const problems = page.getByRole('table', { name: 'Problems' });
    await problems.getByText('"captain" is not a role; use dispatch or general.').waitFor();
    expect(await problems.locator('tbody tr').first().locator('td').allInnerTexts()).toEqual([
      '2',
      'role',
      '"captain" is not a role; use dispatch or general.',
    ]);
    await expect(page.getByRole('button', { name: 'Import' }).isDisabled()).resolves.toBe(true);
  });

  it('previews and imports 1000 people; the member list pages and finds them', async () => {
    await choose('crew.csv', roster(1000));
    await page.getByRole('button', { name: 'Preview' }).click();
    const plan = page.getByRole('list', { name: 'What the import does' });
    await plan.getByText('1000 new accounts').waitFor();
    await plan.getByText('10 new teams').waitFor();
    await plan.getByText('60 new channels').waitFor();
    await page.getByRole('button', { name: 'Import' }).click();
    await page
      .getByText('Imported. Importing the same file again changes nothing.')
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'roster-imported');

    await page.goto(`${server.url}/admin#/events/${eventId}/members`);
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await pager.getByText('1–50 of 1000').waitFor();
    expect(await page.locator('.adm-table tbody tr').count()).toBe(50);
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('51–100 of 1000').waitFor();
    await page.getByLabel('Find a member').fill('Steward 0777');
    await page.getByRole('cell', { name: 'p777@crew.example' }).waitFor();
    expect(await page.locator('.adm-table tbody tr').count()).toBe(1);
    await expect(pager.count()).resolves.toBe(0);
  });
});
