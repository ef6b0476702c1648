import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, goTo, openAdmin, screenshot, sections, seeded } from '../support/adminPage';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

interface MyEvents {
  events: {
    id: string;
    name: string;
    role: string;
    teams: { name: string; channels: { name: string }[] }[];
  }[];
}

/**
 * An administrator sets up an event from nothing in the management pages, in real Chromium against a real
 * server, and the person they set up can then use the channel.
 */
describe('an admin manages an event in the management pages', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  const stamp = Date.now().toString(36);
  const rita = { email: `rita-${stamp}@example.org`, password: 'rita-secret-1', displayName: 'Rita Runner' };

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchChromium();
    page = await openAdmin(browser, server, seeded(server, 'admin'));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows every section to an admin', async () => {
    await expect(sections(page)).resolves.toEqual(['Events', 'Users', 'Audit log']);
    await page.getByRole('link', { name: 'Demo Festival' }).waitFor();
    await screenshot(page, 'events');
  });

  it('creates an event, a team, a channel, a user, a role and an assignment; the user then has the channel', async () => {
    // Event
    await page.getByLabel('Event name').fill('Harbour Run');
    await page.getByLabel('Description').fill('Ten kilometres along the harbour.');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.getByRole('heading', { name: 'Harbour Run', level: 2 }).waitFor();

    // Team and channel
    await page.getByLabel('New team').fill('Medics');
    await page.getByRole('button', { name: 'Add team' }).click();
    const team = page.getByRole('region', { name: 'Team Medics' });
    await team.waitFor();
    await team.getByLabel('New channel in Medics').fill('Medic 1');
    await team.getByRole('button', { name: 'Add channel' }).click();
    const channel = page.getByRole('region', { name: 'Channel Medic 1' });
    await channel.getByText('The event has no members yet.').waitFor();

    // User
    await goTo(page, 'Users');
    const newUser = page.getByRole('form', { name: 'New user' });
    await newUser.getByLabel('Name', { exact: true }).fill(rita.displayName);
    await newUser.getByLabel('E-mail').fill(rita.email);
    await newUser.getByLabel('Password').fill(rita.password);
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await newUser.getByRole('status').getByText(`Created ${rita.displayName}`).waitFor();
    await page.getByRole('cell', { name: rita.email }).waitFor();
    await screenshot(page, 'users');

    // General role in the event
    await goTo(page, 'Events');
    await page.getByRole('link', { name: 'Harbour Run' }).click();
    await page.getByRole('link', { name: 'Members & roles' }).click();
    await page.getByLabel('Find a user').fill('Rita');
    await page.getByRole('button', { name: 'Add Rita Runner as General' }).click();
    await page.getByRole('status').getByText('Rita Runner is now a member (General).').waitFor();
    const members = page.getByRole('region', { name: 'Members' });
    await expect(members.getByLabel('Role of Rita Runner').inputValue()).resolves.toBe('general');
    await screenshot(page, 'members');

    // Assignment
    await page.getByRole('link', { name: 'Teams & channels' }).click();
    await page.getByRole('button', { name: 'Medic 1', exact: true }).click();
    await channel.getByRole('button', { name: 'Assign Rita Runner' }).click();
    await channel.getByRole('list', { name: 'Assigned people' }).getByText('Rita Runner').waitFor();
    await screenshot(page, 'channel');

    // Rita's own view of what she may use.
    const answer = await apiAs(browser, server, rita, 'GET', '/api/me/channels');
    expect(answer.status).toBe(200);
    const mine = (answer.body as MyEvents).events;
    const summary = mine.map((e) => ({
      name: e.name,
      role: e.role,
      teams: e.teams.map((t) => ({ name: t.name, channels: t.channels.map((c) => c.name) })),
    }));
    expect(summary).toEqual([
      { name: 'Harbour Run', role: 'general', teams: [{ name: 'Medics', channels: ['Medic 1'] }] },
    ]);
  });

  it('asks before deleting a channel, and deletes it only when confirmed', async () => {
    const team = page.getByRole('region', { name: 'Team Medics' });
    await team.getByLabel('New channel in Medics').fill('Spare');
    await team.getByRole('button', { name: 'Add channel' }).click();
    await team.getByRole('button', { name: 'Spare', exact: true }).waitFor();

    await team.getByRole('button', { name: 'Delete channel Spare' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the channel “Spare”?' });
    await dialog.waitFor();
    await screenshot(page, 'confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(team.getByRole('button', { name: 'Spare', exact: true }).count()).resolves.toBe(1);

    await team.getByRole('button', { name: 'Delete channel Spare' }).click();
    await dialog.getByRole('button', { name: 'Delete channel' }).click();
    await team.getByRole('button', { name: 'Spare', exact: true }).waitFor({ state: 'detached' });
    await expect(team.getByRole('button', { name: 'Medic 1', exact: true }).count()).resolves.toBe(1);
  });

  it('asks before disabling a user; once disabled they can no longer sign in', async () => {
    await goTo(page, 'Users');
    await page.getByLabel('Search users').fill('rita-');
    // The search narrows the list to Rita (header row + hers).
    await expect.poll(() => page.getByRole('region', { name: 'User list' }).getByRole('row').count()).toBe(2);
    const row = page.getByRole('row').filter({ hasText: rita.email });
    await row.getByRole('button', { name: 'Disable Rita Runner' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable Rita Runner?' });
    await dialog.getByRole('button', { name: 'Disable user' }).click();
    await row.getByRole('status').getByText('Rita Runner is disabled.').waitFor();
    await row.getByText('Disabled', { exact: true }).waitFor();
    await expect(apiAs(browser, server, rita, 'GET', '/api/me')).rejects.toThrow(/sign-in failed: 40[13]/);
  });

  it('resets a password: too short is caught in the page, then the new one signs in', async () => {
    const max = server.squelch.seededAccounts?.find((a) => a.displayName === 'Max Medic');
    if (max === undefined) throw new Error('no Max Medic in the demo seed');
    await goTo(page, 'Users');
    await page.getByLabel('Search users').fill('Max');
    const row = page.getByRole('row').filter({ hasText: max.email });
    await row.getByRole('button', { name: 'Reset password' }).click();
    const form = row.getByRole('form', { name: 'New password for Max Medic' });
    await form.getByLabel('New password').fill('short');
    await form.getByRole('button', { name: 'Set password' }).click();
    await expect(form.getByRole('alert').innerText()).resolves.toBe(
      'Password must be at least 8 characters.',
    );
    await form.getByLabel('New password').fill('a-new-password-for-max');
    await form.getByRole('button', { name: 'Set password' }).click();
    await row.getByRole('status').getByText('New password set for Max Medic').waitFor();

    const withNew = await apiAs(
      browser,
      server,
      { email: max.email, password: 'a-new-password-for-max' },
      'GET',
      '/api/me',
    );
    expect(withNew.status).toBe(200);
    await expect(apiAs(browser, server, max, 'GET', '/api/me')).rejects.toThrow(/sign-in failed: 401/);
  });

  it('renames an event in its settings and deletes it only after confirming', async () => {
    await goTo(page, 'Events');
    await page.getByLabel('Event name').fill('Scratch event');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.getByRole('heading', { name: 'Scratch event', level: 2 }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();

    const settings = page.getByRole('form', { name: 'Event settings' });
    await settings.getByLabel('Event name').fill('Scratch event, renamed');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await settings.getByRole('status').getByText('Saved.').waitFor();
    await page.getByRole('heading', { name: 'Scratch event, renamed', level: 2 }).waitFor();
    await screenshot(page, 'settings');

    await page.getByRole('button', { name: 'Delete event' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the event “Scratch event, renamed”?' });
    await dialog.getByRole('button', { name: 'Delete event' }).click();
    await page.getByRole('heading', { name: 'Events', level: 2 }).waitFor();
    await page.getByRole('link', { name: 'Harbour Run' }).waitFor();
    await expect(page.getByRole('link', { name: /Scratch event/ }).count()).resolves.toBe(0);
    const events = await apiAs(browser, server, seeded(server, 'admin'), 'GET', '/api/events');
    expect((events.body as { events: { name: string }[] }).events.map((e) => e.name)).not.toContain(
      'Scratch event, renamed',
    );
  });

  it('lists what happened in the audit log', async () => {
    await goTo(page, 'Audit log');
    const log = page.getByRole('region', { name: 'Audit entries' });
    await log.getByRole('cell', { name: 'Assigned to channel' }).waitFor();
    const actions = await log.locator('tbody tr td:nth-child(3)').allInnerTexts();
    for (const action of [
      'Created event',
      'Created team',
      'Created channel',
      'Created user',
      'Set event role',
    ])
      expect(actions).toContain(action);
    await screenshot(page, 'audit');
  });
});
