import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** A person changes their own password in Settings (real Chromium, real server). */
describe('changing my password', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let user: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates']);
    user = await server.createUser('Gwen', made.eventId, [made.channels.Gates!]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('refuses a wrong current password and a weak one with sentences, then changes it; the other device is signed out', async () => {
    const { page: other } = await browser.person(server.url);
    const elsewhere = new AppPage(other);
    await elsewhere.open(`${server.url}/`);
    await elsewhere.signIn(user);

    const { page } = await browser.person(server.url);
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(user);
    await page.getByRole('button', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Change password' });
    const fill = async (current: string, next: string, repeat = next) => {
      await form.getByLabel('Current password').fill(current);
      await form.getByLabel('New password', { exact: true }).fill(next);
      await form.getByLabel('New password again').fill(repeat);
      await form.getByRole('button', { name: 'Change password' }).click();
    };

    await fill('not-my-password', 'lantern-orbit-cobalt-41');
    await form.getByRole('alert').getByText('The current password is incorrect.').waitFor();
    await fill(user.password, 'password123');
    await form
      .getByRole('alert')
      .getByText(/too weak/)
      .waitFor();
    await fill(user.password, 'lantern-orbit-cobalt-41', 'lantern-orbit-cobalt-42');
    await form.getByRole('alert').getByText('The new passwords do not match.').waitFor();
    await fill(user.password, 'lantern-orbit-cobalt-41');
    await form
      .getByRole('status')
      .getByText(/Password changed/)
      .waitFor();
    await screenshot(page, 'settings-password-changed');

    // This tab stays signed in and connected; a reload keeps the session (new refresh cookie).
    await page.keyboard.press('Escape');
    await page.reload();
    await app.waitConnected();

    // The other device's session has ended: its next refresh (a reload) lands on the sign-in screen.
    await other.reload();
    await other.getByRole('button', { name: 'Sign in' }).waitFor();
    await elsewhere.signIn({ ...user, password: 'lantern-orbit-cobalt-41' });
    expect(await other.locator('.app[data-connection="connected"]').count()).toBe(1);
  });
});
