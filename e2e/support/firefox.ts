import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';

const FIREFOX = process.env.SQUELCH_FIREFOX ?? '/usr/bin/firefox-esr';

/**
 * A private PulseAudio daemon with a null sink: without a sound server Firefox's AudioContext stays suspended
 * (a page measures silence although RTP arrives). Own runtime directory and socket, no pid file, so several
 * test files (or developers) never share one; stopped by its pid.
 */
export interface PulseAudio {
  server: string;
  stop(): Promise<void>;
}

export async function startPulseAudio(): Promise<PulseAudio> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-pulse-'));
  const socket = path.join(dir, 'native');
  const env = {
    ...process.env,
    HOME: dir,
    XDG_RUNTIME_DIR: dir,
    XDG_CONFIG_HOME: dir,
    PULSE_RUNTIME_PATH: dir,
  };
  const child: ChildProcess = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--use-pid-file=no',
      '--exit-idle-time=-1',
      '--load=module-null-sink sink_name=nullsink',
      `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
    ],
    { env, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (
      await fs.stat(socket).then(
        () => true,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await fs.rm(dir, { recursive: true, force: true });
      throw new Error('PulseAudio did not start (is the pulseaudio package installed?)');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let stopped = false;
  return {
    server: `unix:${socket}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export interface FirefoxOptions {
  /** Frequency of Firefox's fake microphone tone (default 1000 Hz). */
  toneHz?: number;
  /**
   * Let Firefox gather 127.0.0.1 candidates (default true). Firefox pairs a loopback server candidate only with
   * a loopback local one, and gathers that only with this pref AND a microphone permission.
   */
  loopbackIce?: boolean;
}

export interface TestFirefox {
  browser: Browser;
  /** A new person: an isolated browser context and one page. */
  person(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Debian's Firefox ESR driven over WebDriver BiDi: fake microphone (a sine), permission prompts off and the
 * microphone allowed, autoplay allowed, audio through a private PulseAudio null sink. A launch takes ~5 s:
 * one per test file.
 */
export async function launchFirefox(options: FirefoxOptions = {}): Promise<TestFirefox> {
  const pulse = await startPulseAudio();
  const prefs: Record<string, unknown> = {
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': true,
    'permissions.default.microphone': 1,
    'media.autoplay.default': 0,
    'media.autoplay.blocking_policy': 0,
    'media.navigator.audio.fake_frequency': options.toneHz ?? 1000,
    'media.peerconnection.ice.loopback': options.loopbackIce ?? true,
  };
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      acceptInsecureCerts: true,
      extraPrefsFirefox: prefs,
      env: { ...process.env, PULSE_SERVER: pulse.server },
    });
  } catch (error) {
    await pulse.stop();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async person() {
      const context = await browser.createBrowserContext();
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await pulse.stop();
    },
  };
}
