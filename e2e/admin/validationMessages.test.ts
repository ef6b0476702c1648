import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTo, openAdmin, screenshot, seeded } from '../support/adminPage';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/** Mistakes in the forms: obvious ones caught in the page, the rest refused by the server in its words. */
describe('management forms show what is wrong next to the form', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchChromium();
    page = await openAdmin(browser, server, seeded(server, 'admin'), '#/users');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const newUserForm = () => page.getByRole('form', { name: 'New user' });

  const fillUser = async (name: string, email: string, password: string) => {
    const form = newUserForm();
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('E-mail').fill(email);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Create user' }).click();
  };

  it('refuses an e-mail address that is already taken, with the server’s message', async () => {
    const taken = seeded(server, 'general').email;
    await fillUser('Second Gus', taken, 'long-enough-1');
    const alert = newUserForm().getByRole('alert');
    await expect(alert.innerText()).resolves.toBe('A user with this e-mail address already exists.');
    await screenshot(page, 'duplicate-email');
    // Nothing was created.
    await page.getByLabel('Search users').fill('Second Gus');
    await page.getByText('No user matches “Second Gus”.').waitFor();
  });

  it('catches a malformed address and a short password before asking the server', async () => {
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/users')) requests.push(request.url());
    });
    await fillUser('Nina New', 'nina.example.org', 'long-enough-1');
    const alert = newUserForm().getByRole('alert');
    await expect(alert.innerText()).resolves.toBe('Enter a valid e-mail address, like name@example.org.');
    await fillUser('Nina New', 'nina@example.org', 'short');
    await expect(alert.innerText()).resolves.toBe('Password must be at least 8 characters.');
    expect(requests).toEqual([]);
  });

  it('refuses a duplicate team name with the server’s message, and an empty one in the page', async () => {
    await goTo(page, 'Events');
    await page.getByRole('link', { name: 'Demo Festival' }).click();
    const newTeam = page.getByLabel('New team');
    const form = page.locator('form', { has: newTeam });

    await newTeam.fill('Security');
    await page.getByRole('button', { name: 'Add team' }).click();
    await expect(form.getByRole('alert').innerText()).resolves.toBe(
      'This event already has a team with that name.',
    );
    await expect(newTeam.getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(page, 'duplicate-team');

    await newTeam.fill('   ');
    await page.getByRole('button', { name: 'Add team' }).click();
    await expect(form.getByRole('alert').innerText()).resolves.toBe('Team name is required.');
  });

  it('refuses a duplicate channel name within a team with the server’s message', async () => {
    const team = page.getByRole('region', { name: 'Team Security' });
    await team.getByLabel('New channel in Security').fill('Gates');
    await team.getByRole('button', { name: 'Add channel' }).click();
    await expect(team.getByRole('alert').innerText()).resolves.toBe(
      'This team already has a channel with that name.',
    );
  });

  it('hides Disable on the admin’s own row; the server refuses it anyway', async () => {
    const admin = seeded(server, 'admin');
    // The page hides Disable on one's own row; the server is still the authority if asked directly.
    const answer = await page.evaluate(async () => {
      const me = (await (await fetch('/api/auth/refresh', { method: 'POST' })).json()) as {
        accessToken: string;
        user: { id: string };
      };
      const response = await fetch(`/api/users/${me.user.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${me.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ disabled: true }),
      });
      return { status: response.status, body: (await response.json()) as { error: { message: string } } };
    });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toBe(
      'You cannot remove your own administrator role or disable yourself.',
    );
    await goTo(page, 'Users');
    const own = page.getByRole('row').filter({ hasText: admin.email });
    await own.getByText('(you)').waitFor();
    await expect(own.getByRole('button', { name: /Disable/ }).count()).resolves.toBe(0);
  });
});
