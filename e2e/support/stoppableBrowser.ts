import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from './browser';
import type { TestBrowser } from './browser';

export interface StoppableBrowser extends TestBrowser {
  /** The browser's main process; Playwright starts it as the leader of its own process group. */
  pid: number;
  /** SIGSTOP to the whole process group (browser, renderers, network and audio services): everything freezes. */
  freeze(): void;
  /** SIGCONT to the process group; idempotent. */
  thaw(): void;
}

/** Field 5 of /proc/PID/stat: the process group id. */
function processGroupOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; it is the part in parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[2]);
}

/**
 * A headless Chromium (as launchChromium) whose whole process group can be stopped and resumed, as when the
 * operating system freezes a phone's browser. A wrapper script records the browser's pid and then becomes the
 * browser (`exec`), so the pid Playwright spawned is the process group's. close() resumes it first.
 */
export async function launchStoppableChromium(
  options: { audioFile?: string } = {},
): Promise<StoppableBrowser> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'squelch-stoppable-'));
  const pidFile = path.join(dir, 'pid');
  const wrapper = path.join(dir, 'chromium');
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\necho $$ > ${pidFile}\nexec ${process.env.SQUELCH_CHROMIUM ?? '/usr/bin/chromium'} "$@"\n`,
    { mode: 0o755 },
  );
  let browser: TestBrowser;
  try {
    browser = await launchChromium({ ...options, executablePath: wrapper });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  fs.rmSync(dir, { recursive: true, force: true });
  if (!Number.isInteger(pid) || processGroupOf(pid) !== pid) {
    await browser.close();
    throw new Error(`the browser (pid ${pid}) does not lead its own process group`);
  }
  let frozen = false;
  const thaw = (): void => {
    if (!frozen) return;
    frozen = false;
    process.kill(-pid, 'SIGCONT');
  };
  return {
    ...browser,
    pid,
    freeze() {
      frozen = true;
      process.kill(-pid, 'SIGSTOP');
    },
    thaw,
    async close() {
      thaw();
      await browser.close();
    },
  };
}
