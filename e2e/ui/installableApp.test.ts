import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { chromiumArgs } from '../support/browser';
import { AppPage } from '../support/uiApp';
import { screenshot } from '../support/uiBrowser';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

const WEB = path.resolve(import.meta.dirname, '../../packages/web');

/** A free loopback port: the installed app belongs to one origin, so the "redeployed" server reuses it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * The installable app: Chromium's own installability check finds nothing wrong; with the server gone the app
 * still opens from its service worker and says it is retrying; a new deploy runs at the next start.
 */
describe('installable app (manifest, service worker, offline start, new deploy)', () => {
  let browser: BrowserContext;
  let profile: string;
  let server: TestServer | undefined;
  let port: number;
  let secondBuild: string;
  const secondBuildId = `test-build-${Date.now()}`;

  beforeAll(async () => {
    port = await freePort();
    // The "new deploy": the same app built again with another build id, into a folder of its own.
    secondBuild = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-web-'));
    execFileSync(
      'npx',
      [
        'vite',
        'build',
        '--logLevel',
        'warn',
        '--outDir',
        secondBuild,
        '--emptyOutDir',
        '--sourcemap',
        'false',
      ],
      {
        cwd: WEB,
        env: { ...process.env, NODE_ENV: 'production', SQUELCH_BUILD_ID: secondBuildId },
        stdio: 'inherit',
      },
    );
    server = await startTestServer({ workers: 1, env: { SQUELCH_PORT: String(port) } });
    // An installable app needs a real profile (not an incognito context), and a service worker is only
    // fetched over HTTPS the browser trusts: the test server's certificate is self-signed.
    profile = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-profile-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.SQUELCH_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs({ fakePermissionUi: true, extraArgs: ['--ignore-certificate-errors'] }),
      ignoreHTTPSErrors: true,
      serviceWorkers: 'allow',
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fs.rm(secondBuild, { recursive: true, force: true });
    await fs.rm(profile, { recursive: true, force: true });
  });

  it('is installable, opens offline on "No connection to the server — retrying", and runs a new deploy at the next start', async () => {
    const origin = `https://127.0.0.1:${port}`;
    const page = browser.pages()[0] ?? (await browser.newPage());
    const app = new AppPage(page);
    await app.open(`${origin}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    const firstBuildId = await page.evaluate(() => document.documentElement.dataset.build ?? '');
    expect(firstBuildId).not.toBe('');
    expect(firstBuildId).not.toBe(secondBuildId);

    // The service worker took over and holds the shell.
    const scope = await page.evaluate(async () =>
      Promise.race([
        navigator.serviceWorker.ready.then((registration) => registration.scope),
        new Promise<string>((resolve) => setTimeout(() => resolve('no service worker after 30 s'), 30_000)),
      ]),
    );
    expect(scope).toBe(`${origin}/`);

    // Chromium's installability check: manifest (name, icons, standalone, start URL) and a fetch handler.
    const cdp = await browser.newCDPSession(page);
    const installability = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installability.installabilityErrors).toEqual([]);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; data?: string };
    expect(manifest.errors).toEqual([]);
    const parsed = JSON.parse(manifest.data ?? '{}') as {
      display?: string;
      short_name?: string;
      icons?: { sizes: string; purpose?: string }[];
    };
    expect(parsed.display).toBe('standalone');
    expect(parsed.short_name).toBe('Squelch');
    expect(parsed.icons?.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

    // The server goes away (offline, or down): the next start comes from the service worker and says so.
    await server?.stop();
    server = undefined;
    await page.reload();
    const offline = page.locator('[data-screen="offline"]');
    await offline.waitFor({ timeout: 15_000 });
    expect(await offline.getByRole('heading').textContent()).toBe('No connection to the server — retrying');
    await screenshot(page, 'installable-offline');

    // A new build is deployed on the same address; the offline screen goes away by itself.
    server = await startTestServer({
      workers: 1,
      env: { SQUELCH_PORT: String(port), SQUELCH_WEB_ROOT: secondBuild },
    });
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 30_000 });

    // The next start runs the new build, not the cached one.
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.build)).toBe(secondBuildId);
  }, 180_000);
});
