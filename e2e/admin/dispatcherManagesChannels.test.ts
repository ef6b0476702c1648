import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, openAdmin, screenshot, sections, seeded } from '../support/adminPage';
import type { Account } from '../support/adminPage';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

interface ErrorAnswer {
  error: { code: string; message: string };
}

/**
 * The seeded dispatcher of "Demo Festival" manages its teams, channels and assignments, and sees nothing of
 * the admin settings; the server refuses them those settings whatever the page shows.
 */
describe('a dispatcher in the management pages', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let dispatcher: Account;
  let otherEventId: string;
  let outsider: { id: string };

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchChromium();
    dispatcher = seeded(server, 'dispatch');
    // An event the dispatcher has nothing to do with.
    otherEventId = (await server.createChannels(['Elsewhere'])).eventId;
    outsider = await server.createUser('Otto Outsider', otherEventId, []);
    page = await openAdmin(browser, server, dispatcher);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sees only the events they dispatch, and no Users, Audit or event settings', async () => {
    await page.getByRole('link', { name: 'Demo Festival' }).waitFor();
    await expect(sections(page)).resolves.toEqual(['Events']);
    await expect(page.getByRole('form', { name: 'New event' }).count()).resolves.toBe(0);
    const listed = await page.getByRole('region', { name: 'Event list' }).getByRole('link').allInnerTexts();
    expect(listed).toEqual(['Demo Festival']);

    await page.getByRole('link', { name: 'Demo Festival' }).click();
    const tabs = page.getByRole('navigation', { name: 'Event sections' });
    await tabs.getByRole('link', { name: 'Teams & channels' }).waitFor();
    await expect(tabs.getByRole('link').allInnerTexts()).resolves.toEqual([
      'Teams & channels',
      'Members & roles',
      'Import & export',
      'Sign-in codes',
    ]);
    await screenshot(page, 'dispatch-event');
  });

  it('creates a team and a channel and assigns a member of the event', async () => {
    await page.getByLabel('New team').fill('Stewards');
    await page.getByRole('button', { name: 'Add team' }).click();
    const team = page.getByRole('region', { name: 'Team Stewards' });
    await team.getByLabel('New channel in Stewards').fill('North Gate');
    await team.getByRole('button', { name: 'Add channel' }).click();

    const channel = page.getByRole('region', { name: 'Channel North Gate' });
    await channel.getByLabel('Find a member').fill('Gus');
    await channel.getByRole('button', { name: 'Assign Gus Guard' }).click();
    await channel.getByRole('list', { name: 'Assigned people' }).getByText('Gus Guard').waitFor();
    await screenshot(page, 'dispatch-channel');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'dispatch-phone');
    await page.setViewportSize({ width: 1280, height: 720 });

    const gus = seeded(server, 'general');
    const mine = await apiAs(browser, server, gus, 'GET', '/api/me/channels');
    const names = (mine.body as { events: { teams: { channels: { name: string }[] }[] }[] }).events
      .flatMap((e) => e.teams)
      .flatMap((t) => t.channels.map((c) => c.name));
    expect(names).toContain('North Gate');
  });

  it('sees members read-only: no way to add people or change roles', async () => {
    await page.getByRole('link', { name: 'Members & roles' }).click();
    const members = page.getByRole('region', { name: 'Members' });
    await members.getByRole('cell', { name: 'Gus Guard' }).waitFor();
    await expect(page.getByRole('region', { name: 'Add people' }).count()).resolves.toBe(0);
    await expect(members.getByRole('combobox').count()).resolves.toBe(0);
    await expect(members.getByRole('button', { name: /Remove/ }).count()).resolves.toBe(0);
  });

  it('is refused the admin settings by the server, and the page shows the refusal', async () => {
    const refusals: [string, string, unknown][] = [
      ['GET', '/api/users', undefined],
      ['POST', '/api/users', { email: 'sneaky@example.org', displayName: 'Sneaky', password: 'password-1' }],
      ['PATCH', `/api/users/${outsider.id}`, { disabled: true }],
      ['POST', `/api/users/${outsider.id}/password`, { password: 'password-2' }],
      ['POST', '/api/events', { name: 'My own event' }],
      ['PATCH', `/api/events/${otherEventId}`, { name: 'Renamed' }],
      ['PUT', `/api/events/${otherEventId}/members/${outsider.id}`, { role: 'dispatch' }],
      ['GET', '/api/audit', undefined],
    ];
    for (const [method, path, body] of refusals) {
      const answer = await apiAs(browser, server, dispatcher, method, path, body);
      const code = (answer.body as ErrorAnswer | undefined)?.error.code;
      expect({ method, path, status: answer.status, code }).toEqual({
        method,
        path,
        status: 403,
        code: 'forbidden',
      });
    }

    // Another event's teams do not exist for this dispatcher: the same answer as for an unknown id.
    const hidden = await apiAs(
      browser,
      server,
      dispatcher,
      'GET',
      `/api/events/${otherEventId}/teams`,
      undefined,
    );
    expect({ status: hidden.status, code: (hidden.body as ErrorAnswer | undefined)?.error.code }).toEqual({
      status: 404,
      code: 'not_found',
    });

    await page.goto(`${server.url}/admin#/users`);
    await page.getByRole('alert').getByText('Only an administrator can do this.').waitFor();
    await expect(page.getByRole('form', { name: 'New user' }).count()).resolves.toBe(0);
    await screenshot(page, 'dispatch-refused');
  });
});
