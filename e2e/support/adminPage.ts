import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { TestBrowser } from './browser';
import type { TestServer } from './squelchServer';

export interface Account {
  email: string;
  password: string;
}

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

/** A seeded demo account of the given role (admin, dispatch or general). */
export function seeded(
  server: TestServer,
  role: 'admin' | 'dispatch' | 'general',
): Account & { displayName: string } {
  const account = server.squelch.seededAccounts?.find((a) => a.role === role);
  if (account === undefined) throw new Error(`The demo seed has no ${role} account`);
  return account;
}

/** Signs in through the REST API inside the page, which sets the refresh cookie of that browser context. */
async function signIn(page: Page, account: Account): Promise<void> {
  await page.evaluate(async ({ email, password }) => {
    const response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  }, account);
}

/**
 * A new browser context signed in as `account`, showing the management pages at /admin (the app shell
 * resumes the session from the refresh cookie). `hash` opens a page inside them, e.g. '#/users'.
 */
export async function openAdmin(
  browser: TestBrowser,
  server: TestServer,
  account: Account,
  hash = '',
): Promise<Page> {
  const page = await browser.page(`${server.url}/api/openapi.json`);
  await signIn(page, account);
  await page.goto(`${server.url}/admin${hash}`);
  await page.getByRole('heading', { name: 'Management', level: 1 }).waitFor();
  return page;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Calls the REST API as `account` from its own browser context (own session); returns status and JSON. */
export async function apiAs(
  browser: TestBrowser,
  server: TestServer,
  account: Account,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const page = await browser.page(`${server.url}/api/openapi.json`);
  try {
    return await page.evaluate(
      async ({ email, password, method, apiPath, body }) => {
        const login = await fetch('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
        if (!login.ok) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
        const { accessToken } = (await login.json()) as { accessToken: string };
        const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
        if (body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(apiPath, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
      },
      { email: account.email, password: account.password, method, apiPath, body },
    );
  } finally {
    await page.close();
  }
}

/** Saves a full-page screenshot as test-results/screenshots/admin-<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `admin-${name}.png`), fullPage: true });
}

/** Opens a section of the management pages from its navigation bar. */
export async function goTo(page: Page, section: 'Events' | 'Users' | 'Audit log'): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Management sections' })
    .getByRole('link', { name: section })
    .click();
}

/** The texts of the management navigation's links. */
export async function sections(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Management sections' }).getByRole('link').allInnerTexts();
}
