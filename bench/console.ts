/**
 * The dispatch console under load: one console page (1920×1080) with 50 joined channels while talkers take
 * turns on 10 of them, the dispatcher talking in turns too with a clean microphone (their own voice). Prints
 * the page's CPU (CDP Performance metrics: script, layout and total task time per second; and the CPU time of
 * the browser's processes by type, which a busy machine does not stretch), frames (count
 * and those later than 50 ms), JS heap at the start and end, and the feedback guard's checks and false
 * positives.
 *
 *   npx tsx bench/console.ts                       (300 s, 10 talkers)
 *   CONSOLE_BENCH_SECONDS=60 CONSOLE_BENCH_TALKERS=4 npx tsx bench/console.ts   (a shared machine)
 */
import { launchUiBrowser } from '../e2e/support/uiBrowser';
import { Listener } from '../e2e/support/uiListener';
import { AppPage } from '../e2e/support/uiApp';
import { speechFile } from '../e2e/support/speech';
import { startTestServer } from '../e2e/support/squelchServer';

const SECONDS = Number(process.env.CONSOLE_BENCH_SECONDS ?? 300);
const TALKERS = Number(process.env.CONSOLE_BENCH_TALKERS ?? 10);
const CHANNELS = 50;

async function main(): Promise<void> {
  const server = await startTestServer({ workers: 1 });
  const talkerBrowser = await launchUiBrowser({
    audioFile: speechFile('Gate three is clear, two people waiting at the barrier, over', 'en', {
      pitch: 35,
    }),
  });
  const consoleBrowser = await launchUiBrowser({
    audioFile: speechFile('Dispatch to all units, report your position and your status please', 'en', {
      pitch: 55,
      speed: 150,
    }),
  });
  try {
    const names = Array.from({ length: CHANNELS }, (_, i) => `Post ${String(i + 1).padStart(2, '0')}`);
    const made = await server.createChannels(names);
    const ids = names.map((name) => made.channels[name]!);
    const dispatcher = await server.createUser('Dana', made.eventId, [], 'dispatch');
    // Talker i takes turns on channel i (of the first 10).
    const talkers: { listener: Listener; channelId: string }[] = [];
    for (let i = 0; i < TALKERS; i += 1) {
      const channelId = ids[i % 10]!;
      const user = await server.createUser(`Talker ${i + 1}`, made.eventId, [channelId]);
      const listener = await Listener.open(
        (await talkerBrowser.person(server.url)).page,
        server.url,
        await server.token(user),
      );
      await listener.join(channelId);
      await listener.lab.enableMicrophone();
      talkers.push({ listener, channelId });
    }

    const person = await consoleBrowser.person(server.url, { viewport: { width: 1920, height: 1080 } });
    const page = person.page;
    const app = new AppPage(page);
    await app.open(`${server.url}/`);
    await app.signIn(dispatcher);
    await page.locator('.app[data-layout="grid"]').waitFor();
    await page.getByRole('button', { name: 'Speakers' }).click();
    for (const name of names) {
      await app.tile(name).getByRole('switch').click();
      await app.tile(name).getByRole('switch', { checked: true }).waitFor({ timeout: 30_000 });
    }
    console.log(`console: ${CHANNELS} channels joined, ${TALKERS} talkers, ${SECONDS} s`);

    const cdp = await person.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(list.map((metric) => [metric.name, metric.value]));
    };
    // A string, not a function: tsx would wrap named functions in a helper the page does not have.
    await page.evaluate(`(() => {
      window.__frames = { count: 0, late: 0 };
      let last = performance.now();
      const tick = (now) => {
        window.__frames.count += 1;
        if (now - last > 50) window.__frames.late += 1;
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    // CPU time actually used by the browser's processes (renderer = the page), not the wall time of tasks,
    // which a busy machine stretches.
    const browserCdp = await consoleBrowser.browser.newBrowserCDPSession();
    const processCpu = async () => {
      const { processInfo } = (await browserCdp.send('SystemInfo.getProcessInfo')) as {
        processInfo: { type: string; cpuTime: number }[];
      };
      const byType = new Map<string, number>();
      for (const each of processInfo) byType.set(each.type, (byType.get(each.type) ?? 0) + each.cpuTime);
      return byType;
    };
    const cpuBefore = await processCpu();
    const before = await metrics();
    const started = Date.now();

    // Talkers: 4 s on, 1 s off, staggered so most are on the air at any moment.
    let running = true;
    const loops = talkers.map(async ({ listener, channelId }, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 500));
      while (running) {
        await listener.lab.press(channelId);
        await new Promise((resolve) => setTimeout(resolve, 4000));
        await listener.lab.release(channelId);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    });
    // The dispatcher talks 3 s of every 8 on a channel nobody else uses.
    const ptt = app.tile(names[CHANNELS - 1]!).locator('.ptt');
    try {
      while (Date.now() - started < SECONDS * 1000) {
        const center = await app.center(ptt);
        await page.mouse.move(center.x, center.y);
        await page.mouse.down();
        await page.waitForTimeout(3000);
        await page.mouse.up();
        await page.waitForTimeout(5000);
      }
    } finally {
      // Stop the talkers before anything closes, so a failure above is reported as itself.
      running = false;
      const ended = await Promise.allSettled(loops);
      for (const result of ended) {
        if (result.status === 'rejected') console.error('a talker stopped early:', result.reason);
      }
    }

    const after = await metrics();
    const cpuAfter = await processCpu();
    const elapsed = after.Timestamp! - before.Timestamp! || SECONDS;
    const per = (name: string) => ((after[name]! - before[name]!) / elapsed) * 100;
    const frames = await page.evaluate(
      () => (window as unknown as { __frames: { count: number; late: number } }).__frames,
    );
    const guard = await page.locator('.console').evaluate((element: HTMLElement) => ({ ...element.dataset }));
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `page CPU: script ${per('ScriptDuration').toFixed(1)} %, layout ${per('LayoutDuration').toFixed(1)} %, ` +
        `style ${per('RecalcStyleDuration').toFixed(1)} %, all tasks ${per('TaskDuration').toFixed(1)} % of one core`,
    );
    const cpuShare = [...cpuAfter]
      .map(
        ([type, seconds]) =>
          `${type} ${(((seconds - (cpuBefore.get(type) ?? 0)) / elapsed) * 100).toFixed(1)} %`,
      )
      .join(', ');
    console.log(`process CPU time (% of one core): ${cpuShare}`);
    console.log(
      `frames: ${frames.count} in ${elapsed.toFixed(0)} s (${(frames.count / elapsed).toFixed(1)}/s), ` +
        `${frames.late} later than 50 ms`,
    );
    console.log(`JS heap: ${mb(before.JSHeapUsedSize!)} MB at start, ${mb(after.JSHeapUsedSize!)} MB at end`);
    console.log(
      `feedback guard (clean microphone): ${guard.feedbackChecks ?? 0} checks, ${guard.feedbackScored ?? 0} scored, ` +
        `peak ${guard.feedbackPeak ?? 0}, false positives ${guard.feedbackDetections ?? 0}`,
    );
  } finally {
    await talkerBrowser.close();
    await consoleBrowser.close();
    await server.stop();
  }
}

await main();
