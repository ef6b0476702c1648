import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const CHROMIUM = process.env.SQUELCH_CHROMIUM ?? '/usr/bin/chromium';

/** A 1 kHz sine at half scale, 10 s, 48 kHz mono (Chromium loops the file). Made once with sox. */
export function toneFile(frequency = 1000): string {
  const dir = path.join(os.tmpdir(), 'squelch-e2e-audio');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `tone-${frequency}.wav`);
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}.wav`;
    execFileSync('sox', [
      '-n',
      '-r',
      '48000',
      '-c',
      '1',
      '-b',
      '16',
      partial,
      'synth',
      '10',
      'sine',
      String(frequency),
      'vol',
      '0.5',
    ]);
    fs.renameSync(partial, file);
  }
  return file;
}

/**
 * Command-line flags for Debian's Chromium in tests: headless-safe, no background networking (this machine's
 * closed network would flood refused connections), a fake microphone playing `audioFile`, autoplay allowed,
 * loopback ICE candidates allowed, and optionally the fake permission UI (every prompt accepted).
 */
export function chromiumArgs(options: {
  audioFile?: string;
  fakePermissionUi: boolean;
  extraArgs?: string[];
}): string[] {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${options.audioFile ?? toneFile()}`,
    '--autoplay-policy=no-user-gesture-required',
    // Loopback ICE candidates: the suite's media server is on 127.0.0.1, and a machine (or a test's network
    // namespace) may have no other interface.
    '--allow-loopback-in-peer-connection',
  ];
  if (options.fakePermissionUi) args.push('--use-fake-ui-for-media-stream');
  if (options.extraArgs !== undefined) args.push(...options.extraArgs);
  if (process.env.SQUELCH_CHROMIUM_EXTRA_ARGS)
    args.push(...process.env.SQUELCH_CHROMIUM_EXTRA_ARGS.split(' '));
  return args;
}

export interface TestBrowser {
  browser: Browser;
  /** A new isolated page (own cookies) that trusts the test server's self-signed certificate. */
  page(url: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless with a fake microphone playing `audioFile`, fake media permission
 * prompts accepted, and autoplay allowed. One browser per test file; one context per simulated person.
 */
export async function launchChromium(
  options: {
    audioFile?: string;
    denyMicrophone?: boolean;
    extraArgs?: string[];
    /** Another Chromium executable, e.g. a wrapper that runs it inside a test's network namespace. */
    executablePath?: string;
  } = {},
): Promise<TestBrowser> {
  const args = chromiumArgs({
    audioFile: options.audioFile,
    fakePermissionUi: options.denyMicrophone !== true,
    extraArgs: options.extraArgs,
  });
  const browser = await chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
    headless: true,
    args,
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async page(url: string) {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      // Playwright gives each launch a fresh temporary profile and removes it on close.
      await browser.close();
    },
  };
}
