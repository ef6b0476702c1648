import type { CDPSession, Locator, Page } from 'playwright-core';
import type { TestUser } from './squelchServer';

export interface PlayedMedia {
  src: string;
  tone: string | null;
  at: number;
  started: boolean;
}

/** Drives the Squelch app (packages/web index.html) the way a person does: through the visible UI. */
export class AppPage {
  #cdp: CDPSession | undefined;

  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async signIn(user: TestUser): Promise<void> {
    await this.page.getByLabel('E-mail').fill(user.email);
    await this.page.getByLabel('Password').fill(user.password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.waitConnected();
  }

  async waitConnected(timeout = 20_000): Promise<void> {
    await this.page.locator('.app[data-connection="connected"]').waitFor({ timeout });
  }

  /** The channel list row (single-channel view). */
  row(channelName: string): Locator {
    return this.page
      .locator('.channel-row')
      .filter({ has: this.page.locator('.channel-row__name', { hasText: channelName }) });
  }

  /** A dispatch console tile. */
  tile(channelName: string): Locator {
    return this.page
      .locator('.tile')
      .filter({ has: this.page.locator('.tile__name', { hasText: channelName }) });
  }

  /** The big talk button of the single-channel view. */
  talkButton(): Locator {
    return this.page.locator('.talk-dock .ptt');
  }

  async waitJoined(channelName: string): Promise<void> {
    await this.row(channelName).getByRole('switch', { checked: true }).waitFor({ timeout: 15_000 });
  }

  async selectTalkChannel(channelName: string): Promise<void> {
    await this.row(channelName).locator('.channel-row__select').click();
    await this.page.locator('.talk-dock__channel', { hasText: channelName }).waitFor();
  }

  async setMode(mode: 'hold' | 'toggle'): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings' }).click();
    await this.page.getByRole('radio', { name: mode === 'hold' ? /Hold to talk/ : /Tap to toggle/ }).check();
    await this.page.getByRole('button', { name: 'Done' }).click();
    await this.page.locator(`.talk-dock .ptt[data-mode="${mode}"]`).waitFor();
  }

  /**
   * Switches off echo cancellation, noise suppression and automatic gain in Settings. The tests' microphone is a
   * steady 1 kHz sine, which noise suppression learns as noise and fades out within a second or two.
   */
  async useRawMicrophone(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings' }).click();
    for (const name of ['Echo cancellation', 'Noise suppression', 'Automatic gain']) {
      await this.page.getByRole('checkbox', { name }).uncheck();
    }
    await this.page.getByRole('button', { name: 'Done' }).click();
  }

  async buttonState(button: Locator = this.talkButton()): Promise<string | null> {
    return button.getAttribute('data-state');
  }

  async waitButtonState(state: string, button: Locator = this.talkButton(), timeout = 10_000): Promise<void> {
    await button.and(this.page.locator(`[data-state="${state}"]`)).waitFor({ timeout });
  }

  /** Center of an element in CSS pixels. */
  async center(locator: Locator): Promise<{ x: number; y: number }> {
    const box = await locator.boundingBox();
    if (box === null) throw new Error('element is not visible');
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /** Real touch input (through the browser's input pipeline, so pointer events have pointerType "touch"). */
  async touch(
    type: 'touchStart' | 'touchMove' | 'touchEnd' | 'touchCancel',
    point?: { x: number; y: number },
  ) {
    this.#cdp ??= await this.page.context().newCDPSession(this.page);
    await this.#cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints:
        type === 'touchEnd' || type === 'touchCancel' || point === undefined
          ? []
          : [{ x: point.x, y: point.y, id: 1 }],
    });
  }

  /** Media elements the page asked to play (recorded by the UI browser's init script). */
  async played(): Promise<PlayedMedia[]> {
    return this.page.evaluate(() => (window as unknown as { __played: PlayedMedia[] }).__played.slice());
  }

  /** Waits until a tone file was played (playback started) after `since` entries. */
  async waitTone(tone: string, since = 0, timeout = 5000): Promise<PlayedMedia> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      const found = (await this.played()).slice(since).find((entry) => entry.tone === tone && entry.started);
      if (found !== undefined) return found;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`The ${tone} tone did not play within ${timeout} ms`);
  }

  /** Volumes of the media elements playing received channel audio (MediaStream sources). */
  async streamVolumes(): Promise<number[]> {
    return this.page.evaluate(() =>
      [...(window as unknown as { __mediaElements: Set<HTMLMediaElement> }).__mediaElements]
        .filter((element) => element.srcObject instanceof MediaStream && !element.muted)
        .map((element) => element.volume),
    );
  }

  /** Audio constraints of the page's getUserMedia() calls, in order. */
  async microphoneRequests(): Promise<Record<string, unknown>[]> {
    return this.page.evaluate(() =>
      (window as unknown as { __microphoneRequests: Record<string, unknown>[] }).__microphoneRequests.slice(),
    );
  }

  /** The app's own count of tones played: [transmit-start, transmit-end, busy, preempted]. */
  async toneCounts(): Promise<number[]> {
    const value = await this.page.locator('.app').getAttribute('data-tone-counts');
    return (value ?? '0,0,0').split(',').map(Number);
  }

  /** The level the on-air meter shows (0..1). */
  async meterLevel(scope: Locator = this.page.locator('.talk-dock')): Promise<number> {
    return Number((await scope.locator('.meter').first().getAttribute('data-level')) ?? '0');
  }
}
