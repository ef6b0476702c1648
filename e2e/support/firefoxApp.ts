// Brings the lab page's `window.lab` declaration into type checking.
import type {} from '../../packages/web/src/lab/main';
import type { Page } from 'puppeteer-core';
import type { TestUser } from './squelchServer';

/**
 * Drives the Squelch app in Firefox (puppeteer over WebDriver BiDi) the way a person does: the sign-in form,
 * Settings, the channel row and the talk button. The Playwright AppPage does the same for Chromium.
 */
export class FirefoxApp {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async signIn(user: TestUser): Promise<void> {
    await this.page.locator('input[name="email"]').fill(user.email);
    await this.page.locator('input[name="password"]').fill(user.password);
    await this.page.locator('form.signin__card button[type="submit"]').click();
    await this.page.waitForSelector('.app[data-connection="connected"]', { timeout: 20_000 });
  }

  /** Switches off echo cancellation, noise suppression and automatic gain (a steady test tone is not noise). */
  async useRawMicrophone(): Promise<void> {
    await this.page.locator('button[aria-label="Settings"]').click();
    await this.page.waitForSelector('.settings__group input[type="checkbox"]');
    await this.page.evaluate(() => {
      for (const label of Array.from(document.querySelectorAll('label.checkbox'))) {
        const text = label.textContent ?? '';
        if (!/Echo cancellation|Noise suppression|Automatic gain/.test(text)) continue;
        const box = label.querySelector('input[type="checkbox"]');
        if (box instanceof HTMLInputElement && box.checked) box.click();
      }
    });
    await this.clickButton('Done');
  }

  async clickButton(text: string): Promise<void> {
    const clicked = await this.page.evaluate((wanted) => {
      const button = Array.from(document.querySelectorAll('button')).find(
        (candidate) => candidate.textContent?.trim() === wanted,
      );
      button?.click();
      return button !== undefined;
    }, text);
    if (!clicked) throw new Error(`No "${text}" button on the page`);
  }

  /** Makes a channel the talk channel (its row's select button) and waits until it is joined. */
  async selectTalkChannel(channelName: string): Promise<void> {
    await this.page.waitForFunction(
      (name) => {
        const row = Array.from(document.querySelectorAll('.channel-row')).find(
          (candidate) => candidate.querySelector('.channel-row__name')?.textContent?.trim() === name,
        );
        const select = row?.querySelector('.channel-row__select');
        if (!(select instanceof HTMLElement)) return false;
        select.click();
        return true;
      },
      { timeout: 10_000 },
      channelName,
    );
    await this.page.waitForFunction(
      (name) => {
        const row = Array.from(document.querySelectorAll('.channel-row')).find(
          (candidate) => candidate.querySelector('.channel-row__name')?.textContent?.trim() === name,
        );
        const dock = document.querySelector('.talk-dock__channel')?.textContent ?? '';
        return dock.includes(name) && row?.querySelector('[role="switch"][aria-checked="true"]') !== null;
      },
      { timeout: 15_000 },
      channelName,
    );
  }

  async buttonState(): Promise<string | null> {
    return this.page.$eval('.talk-dock .ptt', (element) => element.getAttribute('data-state'));
  }

  async waitButtonState(state: string, timeout = 10_000): Promise<void> {
    await this.page.waitForSelector(`.talk-dock .ptt[data-state="${state}"]`, { timeout });
  }

  /** Presses the talk button with the mouse and holds it (the first press also opens the microphone). */
  async press(): Promise<void> {
    const button = await this.page.waitForSelector('.talk-dock .ptt');
    const box = await button?.boundingBox();
    if (box === null || box === undefined) throw new Error('the talk button is not visible');
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.mouse.down();
  }

  async release(): Promise<void> {
    await this.page.mouse.up();
  }
}

/** A person listening on the lab page in Firefox (it exposes the received tracks and measures them). */
export class FirefoxListener {
  private constructor(readonly page: Page) {}

  static async open(page: Page, origin: string, token: string): Promise<FirefoxListener> {
    await page.goto(`${origin}/lab.html`);
    await page.waitForFunction(() => window.lab !== undefined);
    await page.evaluate(async (t) => window.lab.useToken(t, { rawMicrophone: true }), token);
    return new FirefoxListener(page);
  }

  async join(channelId: string): Promise<void> {
    await this.page.evaluate(async (id) => {
      await window.lab.join(id);
    }, channelId);
  }

  /** RMS and dominant frequency of what this person hears on a channel over `ms`. */
  async measure(channelId: string, ms = 1000): Promise<{ rms: number; peakHz: number }> {
    return this.page.evaluate(async (id, duration) => window.lab.measure(id, duration), channelId, ms);
  }

  /** Polls the received level until it crosses `threshold`; elapsed ms or null on timeout. */
  async waitForLevel(
    channelId: string,
    direction: 'above' | 'below',
    threshold: number,
    timeoutMs: number,
  ): Promise<number | null> {
    return this.page.evaluate(
      async (id, dir, limit, timeout) => {
        const start = performance.now();
        let consecutive = 0;
        while (performance.now() - start < timeout) {
          const level = window.lab.level(id);
          const ok = dir === 'above' ? level > limit : level < limit;
          consecutive = ok ? consecutive + 1 : 0;
          if (consecutive >= 3) return performance.now() - start;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return null;
      },
      channelId,
      direction,
      threshold,
      timeoutMs,
    );
  }
}
