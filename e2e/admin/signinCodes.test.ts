import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchUiBrowser, screenshot } from '../support/uiBrowser';
import type { UiBrowser } from '../support/uiBrowser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

/** A phone: small touch screen, as a steward's. */
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/**
 * A dispatcher prints sign-in cards; a guard scans one on a phone and is on the radio, once (real Chromium,
 * real server). The QR code on the page is read back from its pixels by an independent decoder (jsQR).
 */
describe('sign-in codes on a phone', () => {
  let server: TestServer;
  let browser: UiBrowser;
  let guard: TestUser;
  let eventId: string;
  let admin: Page;

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchUiBrowser();
    const made = await server.createChannels(['Gate 1']);
    eventId = made.eventId;
    guard = await server.createUser('Greta Guard', eventId, [made.channels['Gate 1']!]);
    ({ page: admin } = await browser.person(server.url));
    const app = new AppPage(admin);
    await app.open(`${server.url}/`);
    await app.signIn({ ...server.admin, id: '', displayName: 'admin' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => vi.useRealTimers());

  /** Makes a card for the guard in the management pages; returns the link it shows and its decoded QR. */
  async function makeCard(): Promise<{ link: string; decoded: string | null }> {
    await admin.goto(`${server.url}/admin#/events/${eventId}/codes`);
    await admin.getByRole('button', { name: 'Code for Greta Guard' }).click();
    const card = admin.getByRole('listitem', { name: 'Sign-in card for Greta Guard' }).first();
    await card.waitFor();
    const link = await card.getByRole('link').innerText();
    const png = PNG.sync.read(await card.getByRole('img').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
    return { link, decoded };
  }

  async function openOnPhone(link: string): Promise<Page> {
    const { page } = await browser.person(server.url, PHONE);
    await page.goto(link);
    return page;
  }

  it('signs the guard in once from the printed card; the same link again is refused', async () => {
    const { link, decoded } = await makeCard();
    expect(link).toMatch(new RegExp(`^${server.url}/signin#[A-Za-z0-9_-]{43}$`));
    expect(decoded).toBe(link);
    await screenshot(admin, 'signin-card');

    const phone = await openOnPhone(decoded ?? '');
    const app = new AppPage(phone);
    await app.waitConnected();
    await app.row('Gate 1').waitFor();
    await app.talkButton().waitFor();
    // The code is gone from the address bar.
    expect(new URL(phone.url()).pathname).toBe('/');
    expect(new URL(phone.url()).hash).toBe('');
    await screenshot(phone, 'signin-code-phone');
    // A reload keeps the session (refresh cookie), as after a password sign-in.
    await phone.reload();
    await app.waitConnected();

    const again = await openOnPhone(link);
    await again
      .getByText('This sign-in link has already been used. Ask your dispatcher for a new one.')
      .waitFor();
    await again.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('refuses a revoked link and an expired one, each with its reason', async () => {
    const { link: revoked } = await makeCard();
    await admin.getByRole('button', { name: 'Revoke code of Greta Guard' }).first().click();
    await admin.getByText('Revoked').first().waitFor();
    const phone = await openOnPhone(revoked);
    await phone.getByText('This sign-in link was withdrawn. Ask your dispatcher for a new one.').waitFor();

    const [card] = await server.squelch.controlPlane.services.signinCodes.create(
      { userId: await adminId(), displayName: 'admin', isAdmin: true },
      eventId,
      { userIds: [guard.id], ttlSec: 60 },
    );
    // Sixty-one seconds later, on the server's clock.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 61_000);
    const late = await openOnPhone(`${server.url}/signin#${card?.code ?? ''}`);
    await late.getByText('This sign-in link has expired. Ask your dispatcher for a new one.').waitFor();
  });

  async function adminId(): Promise<string> {
    const answer = await admin.evaluate(async () => {
      const refresh = await fetch('/api/auth/refresh', { method: 'POST' });
      return (await refresh.json()) as { user: { id: string } };
    });
    return answer.user.id;
  }
});
