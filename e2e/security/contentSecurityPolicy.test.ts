import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seeded } from '../support/adminPage';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { Listener } from '../support/uiListener';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** Collects every CSP violation the page reports (the event fires before anything is blocked silently). */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __cspViolation: (text: string) => void }).__cspViolation;
      report(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  return violations;
}

/** The app under its Content-Security-Policy in real Chromium: it works and the browser reports nothing. */
describe('the app under the Content-Security-Policy', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let channelId: string;
  let talker: TestUser;
  let listenerUser: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gates']);
    channelId = made.channels.Gates!;
    talker = await server.createUser('Cass', made.eventId, [channelId]);
    listenerUser = await server.createUser('Lou', made.eventId, [channelId]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in, talks and is heard, opens settings and the management pages, with no violation', async () => {
    const { page: listenerPage } = await browser.person(server.url);
    const listener = await Listener.open(listenerPage, server.url, await server.token(listenerUser));
    await listener.join(channelId);

    const { page } = await browser.person(server.url);
    const violations = await watchViolations(page);
    const response = await page.goto(`${server.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    const app = new AppPage(page);
    await app.signIn(talker);
    await app.useRawMicrophone();
    await app.selectTalkChannel('Gates');
    await app.waitJoined('Gates');

    const center = await app.center(app.talkButton());
    await page.mouse.move(center.x, center.y);
    await page.mouse.down();
    await app.waitButtonState('transmitting');
    expect(await listener.waitFor(channelId, 'above')).not.toBeNull();
    await page.mouse.up();
    expect(await listener.waitFor(channelId, 'below')).not.toBeNull();

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');

    const { page: adminPage } = await browser.person(server.url);
    const adminViolations = await watchViolations(adminPage);
    await adminPage.goto(`${server.url}/`);
    const admin = seeded(server, 'admin');
    await adminPage.getByLabel('E-mail').fill(admin.email);
    await adminPage.getByLabel('Password').fill(admin.password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.goto(`${server.url}/admin#/users`);
    await adminPage.getByRole('form', { name: 'New user' }).waitFor();

    expect(violations).toEqual([]);
    expect(adminViolations).toEqual([]);
  });

  it('reports a violation when something breaks the policy (the check can fail)', async () => {
    const { page } = await browser.person(server.url);
    const violations = await watchViolations(page);
    await page.goto(`${server.url}/`);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1;';
      document.body.append(script);
    });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
  });
});
