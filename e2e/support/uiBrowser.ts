import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { chromiumArgs } from './browser';

const CHROMIUM = process.env.SQUELCH_CHROMIUM ?? '/usr/bin/chromium';

/** Where the UI tests leave their screenshots (artifacts). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export interface UiBrowserOptions {
  /** Fake microphone input (default: a 1 kHz tone). */
  audioFile?: string;
  /**
   * Accept media permission prompts automatically (Chromium's fake UI). Off, the browser's real permission
   * handling applies: a headless prompt is refused unless the context was granted the permission.
   */
  autoGrantMicrophone?: boolean;
  /** Further Chromium flags (e.g. without the autoplay exemption, see `autoplayAllowed`). */
  extraArgs?: string[];
  /**
   * Autoplay without a gesture (default true). False applies a browser's real rule (sound only after a gesture
   * on the page), which headless Chromium does not apply unless asked.
   */
  autoplayAllowed?: boolean;
}

export interface PersonOptions extends BrowserContextOptions {
  /** Grant the microphone permission to the context up front (default true). */
  microphone?: boolean;
  /**
   * Service workers are blocked unless a test asks for them ('allow'), so that the app's worker (installed
   * app, offline shell) does not change what the other tests see on the network.
   */
  serviceWorkers?: 'allow' | 'block';
}

export interface UiBrowser {
  browser: Browser;
  /** A new person: an isolated context (own cookies, storage and permissions) and one page. */
  person(origin: string, options?: PersonOptions): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * Records, before any app script runs, every media element play() (tones are audio elements) and the audio
 * constraints of every getUserMedia() call.
 */
const PLAY_RECORDER = `
  (() => {
    const requests = [];
    window.__microphoneRequests = requests;
    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints) => {
        requests.push(JSON.parse(JSON.stringify((constraints && constraints.audio) || null)));
        return getUserMedia(constraints);
      };
    }
    const played = [];
    const elements = new Set();
    window.__played = played;
    window.__mediaElements = elements;
    const original = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (...args) {
      const entry = { src: this.currentSrc || this.src || '', tone: this.dataset ? this.dataset.tone || null : null, at: performance.now(), started: false };
      played.push(entry);
      elements.add(this);
      const result = original.apply(this, args);
      if (result && typeof result.then === 'function') result.then(() => { entry.started = true; }, () => {});
      return result;
    };
  })();
`;

/**
 * Debian's Chromium for the app's UI tests: fake microphone device, autoplay allowed, and either the fake
 * permission UI (prompts accepted) or real permission handling driven through the context's permissions.
 */
export async function launchUiBrowser(options: UiBrowserOptions = {}): Promise<UiBrowser> {
  const args = chromiumArgs({
    audioFile: options.audioFile,
    fakePermissionUi: options.autoGrantMicrophone === true,
    // Headless Chromium's own default lets everything play: the real rule has to be asked for by name.
    extraArgs: [
      ...(options.autoplayAllowed === false ? ['--autoplay-policy=document-user-activation-required'] : []),
      ...(options.extraArgs ?? []),
    ],
  }).filter(
    (arg) => options.autoplayAllowed !== false || arg !== '--autoplay-policy=no-user-gesture-required',
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async person(origin, personOptions = {}) {
      const { microphone = true, ...contextOptions } = personOptions;
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1280, height: 800 },
        serviceWorkers: 'block',
        ...contextOptions,
      });
      contexts.push(context);
      if (microphone) await context.grantPermissions(['microphone'], { origin });
      await context.addInitScript({ content: PLAY_RECORDER });
      const page = await context.newPage();
      return { context, page };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Saves a screenshot of the page as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
