// Brings the lab page's `window.lab` declaration into type checking.
import type {} from '../../packages/web/src/lab/main';
import type { Page } from 'playwright-core';

/** Drives the lab page (packages/web/lab.html) of one simulated person through its window.lab entry points. */
export class LabPage {
  constructor(readonly page: Page) {}

  /**
   * Signs the page in with a token. Test tones use a raw microphone by default: the browser's noise
   * suppression treats a steady sine as noise and fades it within a second (speech is not affected that way).
   */
  async connect(
    token: string,
    options: {
      rawMicrophone?: boolean;
      jitterBufferTargetMs?: number;
      urls?: string[];
      iceTransportPolicy?: 'all' | 'relay';
    } = {
      rawMicrophone: true,
    },
  ): Promise<void> {
    await this.page.waitForFunction(() => window.lab !== undefined);
    await this.page.evaluate(async ([t, o]) => window.lab.useToken(t, o), [token, options] as const);
  }

  async enableMicrophone(): Promise<void> {
    await this.page.evaluate(async () => window.lab.enableMicrophone());
  }

  async join(channelId: string): Promise<void> {
    await this.page.evaluate(async (id) => {
      await window.lab.join(id);
    }, channelId);
  }

  async press(
    channelId: string,
  ): Promise<{ granted: boolean; reason?: string; holder?: { displayName: string } }> {
    return this.page.evaluate(async (id) => {
      const result = await window.lab.press(id);
      if (result === undefined) throw new Error('not connected');
      return result;
    }, channelId);
  }

  async release(channelId: string): Promise<void> {
    await this.page.evaluate(async (id) => window.lab.release(id), channelId);
  }

  /** RMS and dominant frequency of what this person hears on a channel over `ms`. */
  async measure(channelId: string, ms = 1000): Promise<{ rms: number; peakHz: number }> {
    return this.page.evaluate(async ([id, duration]) => window.lab.measure(id, duration), [
      channelId,
      ms,
    ] as const);
  }

  /** Polls the received level until it crosses `threshold` in the given direction; returns elapsed ms or null. */
  async waitForLevel(
    channelId: string,
    direction: 'above' | 'below',
    threshold: number,
    timeoutMs: number,
  ): Promise<number | null> {
    return this.page.evaluate(
      async ([id, dir, limit, timeout]) => {
        const start = performance.now();
        let consecutive = 0;
        while (performance.now() - start < timeout) {
          const level = window.lab.level(id);
          const ok = dir === 'above' ? level > limit : level < limit;
          consecutive = ok ? consecutive + 1 : 0;
          // Three consecutive frames 10 ms apart, so one quiet sample in a tone does not count as silence.
          if (consecutive >= 3) return performance.now() - start;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return null;
      },
      [channelId, direction, threshold, timeoutMs] as const,
    );
  }

  /** The client's connection state. */
  async connectionState(): Promise<string | undefined> {
    return this.page.evaluate(() => window.lab.client()?.state);
  }

  /** Waits until the client's connection state is `state`; returns the elapsed ms. */
  async waitForState(state: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    await this.page.waitForFunction((s) => window.lab.client()?.state === s, state, {
      timeout: timeoutMs,
      polling: 20,
    });
    return Date.now() - started;
  }

  async request(method: string, params: unknown): Promise<unknown> {
    return this.page.evaluate(async ([m, p]) => window.lab.request(m, p), [method, params] as const);
  }

  async rawExchange(text: string): Promise<void> {
    await this.page.evaluate((t) => window.lab.sendRaw(t), text);
  }
}
