/**
 * Press-to-hear through the real web app, beside the lab page's figure, in one run.
 *
 *   npx tsx bench/app-press-to-hear.ts        (PRESSES=20 by default; needs a built web app)
 *
 * One Squelch node (real mediasoup workers), one Chromium whose fake microphone plays a steady 1 kHz tone.
 * The listener is a person in the app (signed in, channel joined); an AudioWorklet onset detector runs on the
 * track its channel player plays. Two talkers take turns on the same channel:
 * - lab: the lab page calls press() (the library path, no UI) — the time of the call is the press;
 * - app: a person in the app holds the talk button with the mouse — the pointerdown event's time is the press.
 * Each press lasts 700 ms, with 500 ms of silence after it. Besides press → first audio heard, the app's
 * presses are split into pointerdown → floor.request sent, and request sent → grant received (timed from the
 * page's WebSocket). Both talkers use a raw microphone (no echo cancellation, noise suppression or automatic
 * gain): noise suppression learns a steady tone as noise and fades it. Prints p50 / p95 of each.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { toneFile } from '../e2e/support/browser';
import { LabPage } from '../e2e/support/labPage';
import { startTestServer } from '../e2e/support/squelchServer';
import { AppPage } from '../e2e/support/uiApp';
import { launchUiBrowser } from '../e2e/support/uiBrowser';
import { pageAudioScript } from './lib/pageAudio';
import { fmt, pairOnsets, summarize } from './lib/stats';

const PRESSES = Number(process.env.PRESSES ?? 20);
const HOLD_MS = 700;
const GAP_MS = 500;

/** Records, in the page, every pointerdown and every floor.request sent and its answer (absolute times). */
const PRESS_RECORDER = `
  (() => {
    const now = () => performance.timeOrigin + performance.now();
    const marks = { down: [], sent: [], answered: [] };
    window.__pressMarks = marks;
    window.addEventListener('pointerdown', (event) => marks.down.push(performance.timeOrigin + event.timeStamp), true);
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data === 'string' && data.includes('"floor.request"')) {
        const id = JSON.parse(data).id;
        marks.sent.push(now());
        const onMessage = (event) => {
          if (typeof event.data === 'string' && event.data.includes('"id":' + JSON.stringify(id))) {
            marks.answered.push(now());
            this.removeEventListener('message', onMessage);
          }
        };
        this.addEventListener('message', onMessage);
      }
      return send.call(this, data);
    };
  })();
`;

interface Marks {
  down: number[];
  sent: number[];
  answered: number[];
}

function report(name: string, values: number[]): ReturnType<typeof summarize> {
  const s = summarize(values);
  console.log(
    `${name.padEnd(40)} n=${String(s.n).padStart(3)}  p50 ${fmt(s.median)}  p95 ${fmt(s.p95)}  min ${fmt(s.min)}  max ${fmt(s.max)}`,
  );
  return s;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const server = await startTestServer({ workers: 1, env: { SQUELCH_FLOOR_MAX_DURATION_MS: '600000' } });
  const browser = await launchUiBrowser({ audioFile: toneFile(1000) });
  try {
    const { eventId, channels } = await server.createChannels(['Bench']);
    const channelId = channels.Bench!;
    const talker = await server.createUser('Alice', eventId, [channelId]);
    const listener = await server.createUser('Bob', eventId, [channelId]);
    const labTalker = await server.createUser('Carol', eventId, [channelId]);
    const labListener = await server.createUser('Dave', eventId, [channelId]);

    const person = async (): Promise<{ context: BrowserContext; page: Page }> => {
      // The detector's AudioWorklet comes from a blob: URL, which the app's Content-Security-Policy forbids.
      const made = await browser.person(server.url, { bypassCSP: true });
      await made.context.addInitScript({ content: pageAudioScript });
      await made.context.addInitScript({ content: PRESS_RECORDER });
      return made;
    };
    const openApp = async (user: typeof talker): Promise<AppPage> => {
      const app = new AppPage((await person()).page);
      await app.open(`${server.url}/`);
      await app.signIn(user);
      await app.useRawMicrophone();
      return app;
    };

    const hearing = await openApp(listener);
    await hearing.waitJoined('Bench');
    await hearing.page.waitForFunction(() =>
      [...(window as unknown as { __mediaElements: Set<HTMLMediaElement> }).__mediaElements].some(
        (element) => element.srcObject instanceof MediaStream,
      ),
    );
    await hearing.page.evaluate(async () => {
      const element = [
        ...(window as unknown as { __mediaElements: Set<HTMLMediaElement> }).__mediaElements,
      ].find((candidate) => candidate.srcObject instanceof MediaStream);
      const track = (element?.srcObject as MediaStream | undefined)?.getAudioTracks()[0];
      if (track === undefined) throw new Error('no channel player');
      await window.benchAudio.detect(track);
    });

    const labHearing = new LabPage((await person()).page);
    await labHearing.page.goto(`${server.url}/lab.html`);
    await labHearing.connect(await server.token(labListener), { rawMicrophone: true });
    await labHearing.join(channelId);
    await labHearing.page.evaluate(async (id) => {
      const track = window.lab.client()?.channelTrack(id);
      if (track === undefined) throw new Error('no channel track');
      await window.benchAudio.detect(track);
    }, channelId);

    const app = await openApp(talker);
    await app.waitJoined('Bench');
    await app.selectTalkChannel('Bench');
    const lab = new LabPage((await person()).page);
    await lab.page.goto(`${server.url}/lab.html`);
    await lab.connect(await server.token(labTalker), { rawMicrophone: true });
    // LAB_SOURCE=webaudio: the lab talker sends a Web Audio oscillator track instead of the microphone device.
    if (process.env.LAB_SOURCE === 'webaudio') {
      await lab.page.evaluate(async () => {
        await window.lab.client()?.enableMicrophone(await window.benchAudio.steadySource(1000));
      });
    } else {
      await lab.enableMicrophone();
    }
    await lab.join(channelId);

    console.log(`press-to-hear: ${PRESSES} presses per talker, ${HOLD_MS} ms each; listener in the app`);
    // The first press is the gesture that opens the app's microphone: timed on its own.
    const downsBefore = (
      await app.page.evaluate(() => (window as unknown as { __pressMarks: Marks }).__pressMarks)
    ).down.length;
    const center = await app.center(app.talkButton());
    await app.page.mouse.move(center.x, center.y);
    await app.page.mouse.down();
    await app.waitButtonState('transmitting');
    await sleep(HOLD_MS);
    await app.page.mouse.up();
    await app.waitButtonState('idle');
    await sleep(GAP_MS);

    const labPresses: number[] = [];
    const appPresses: number[] = [];
    for (let i = 0; i < PRESSES; i += 1) {
      const at = await lab.page.evaluate(async (id) => {
        const start = performance.timeOrigin + performance.now();
        const result = await window.lab.press(id);
        return result?.granted === true ? start : null;
      }, channelId);
      if (at !== null) labPresses.push(at);
      await sleep(HOLD_MS);
      await lab.release(channelId);
      await sleep(GAP_MS);

      const before = (
        await app.page.evaluate(() => (window as unknown as { __pressMarks: Marks }).__pressMarks)
      ).down.length;
      await app.page.mouse.down();
      await sleep(HOLD_MS);
      await app.page.mouse.up();
      const marks = await app.page.evaluate(
        () => (window as unknown as { __pressMarks: Marks }).__pressMarks,
      );
      const down = marks.down[before];
      if (down !== undefined) appPresses.push(down);
      await sleep(GAP_MS);
    }
    const heard = await hearing.page.evaluate(() => window.benchAudio.onsets);
    const labHeard = await labHearing.page.evaluate(() => window.benchAudio.onsets);
    const marks = await app.page.evaluate(() => (window as unknown as { __pressMarks: Marks }).__pressMarks);
    const firstDown = marks.down[downsBefore];
    const firstHeard = heard.find((at) => firstDown !== undefined && at >= firstDown);
    report(
      'app first press (opens the microphone)',
      firstDown !== undefined && firstHeard !== undefined ? [firstHeard - firstDown] : [],
    );
    const labFigures = report('lab press() → app listener', pairOnsets(labPresses, heard));
    const appFigures = report('app talk button → app listener', pairOnsets(appPresses, heard));
    report('lab press() → lab listener', pairOnsets(labPresses, labHeard));
    report('app talk button → lab listener', pairOnsets(appPresses, labHeard));
    // The app's own steps of each measured press: the first request sent after the pointerdown, its answer.
    const sentAfter = appPresses.map((down) => marks.sent.findIndex((sent) => sent >= down));
    report(
      '  app: pointerdown → floor.request sent',
      sentAfter.flatMap((index, i) => (index >= 0 ? [marks.sent[index]! - appPresses[i]!] : [])),
    );
    report(
      '  app: floor.request sent → answer',
      sentAfter.flatMap((index) =>
        index >= 0 && marks.answered[index] !== undefined ? [marks.answered[index] - marks.sent[index]!] : [],
      ),
    );
    console.log(
      `app / lab (p50): ${(appFigures.median / labFigures.median).toFixed(2)}; app p50 ${fmt(appFigures.median)} (target ≤ 150 ms)`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
