import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransmissionView } from '../../packages/server/src/recordings/TransmissionStore';
import { decodeWithOpusTools, soxStat } from '../../packages/server/test/support/oggTools';
import { apiRequest } from '../support/apiRequest';
import { launchChromium, toneFile } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { LabPage } from '../support/labPage';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const TONE_HZ = 800;

/**
 * Transmission history end to end: a real Chromium talks a tone through a real mediasoup worker, the node
 * records it, opus-tools and sox check the file, another person's page plays it, and the API's permissions,
 * range requests, audit and retention are exercised against the same server.
 */
describe('transmission history', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let dir: string;
  let channels: Record<string, string>;
  let eventId: string;
  let users: Record<'alice' | 'bob' | 'carol' | 'dave', TestUser>;
  const tokens: Partial<Record<keyof typeof users, string>> = {};
  const pages: Partial<Record<keyof typeof users, LabPage>> = {};
  let recorded: TransmissionView;
  let pressedMs = 0;

  const token = async (name: keyof typeof users): Promise<string> =>
    (tokens[name] ??= await server.token(users[name]));
  const person = async (name: keyof typeof users): Promise<LabPage> => {
    const existing = pages[name];
    if (existing !== undefined) return existing;
    const lab = new LabPage(await browser.page(`${server.url}/lab.html`));
    await lab.connect(await token(name));
    await lab.enableMicrophone();
    pages[name] = lab;
    return lab;
  };
  const list = async (name: keyof typeof users, channelId: string, query = '') =>
    apiRequest(`${server.url}/api/channels/${channelId}/transmissions${query}`, { token: await token(name) });

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    browser = await launchChromium({ audioFile: toneFile(TONE_HZ) });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-history-'));
    const made = await server.createChannels(['X', 'Y']);
    channels = made.channels;
    eventId = made.eventId;
    users = {
      alice: await server.createUser('Alice', eventId, [channels.X!]),
      bob: await server.createUser('Bob', eventId, [channels.X!]),
      carol: await server.createUser('Carol', eventId, [channels.Y!]),
      dave: await server.createUser('Dave', eventId, [], 'dispatch'),
    };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir !== undefined) await fs.rm(dir, { recursive: true, force: true });
  });

  it('records a 2 s transmission; opusinfo accepts it, opusdec decodes the tone at its length', async () => {
    const x = channels.X!;
    const alice = await person('alice');
    const bob = await person('bob');
    await alice.join(x);
    await bob.join(x);
    expect((await alice.press(x)).granted).toBe(true);
    const pressedAt = Date.now();
    expect(await bob.waitForLevel(x, 'above', 0.05, 3000)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 2000 - (Date.now() - pressedAt)));
    await alice.release(x);
    pressedMs = Date.now() - pressedAt;
    await server.squelch.recordings.recorder.settled();

    const answer = await list('bob', x);
    expect(answer.status).toBe(200);
    const { transmissions } = answer.json<{ transmissions: TransmissionView[] }>();
    expect(transmissions).toHaveLength(1);
    recorded = transmissions[0]!;
    expect(recorded.grantNumber).toBeGreaterThan(0);
    expect(recorded).toMatchObject({
      channelId: x,
      talkerId: users.alice.id,
      talkerName: 'Alice',
      emergency: false,
    });
    // From the grant to the release, less the packets still in flight when the gate opened/closed.
    expect(Math.abs(recorded.durationMs - pressedMs)).toBeLessThan(250);

    const audio = await apiRequest(`${server.url}/api/transmissions/${recorded.id}/audio`, {
      token: await token('bob'),
    });
    expect(audio.status).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/ogg');
    expect(audio.body.length).toBe(recorded.bytes);
    const file = path.join(dir, 'recorded.ogg');
    await fs.writeFile(file, audio.body);
    const { wav, info } = decodeWithOpusTools(file);
    expect(info).not.toMatch(/WARNING|ERROR/i);
    const stat = soxStat(wav);
    expect(Math.abs(stat.frequency - TONE_HZ)).toBeLessThan(30);
    expect(stat.rms).toBeGreaterThan(0.1);
    expect(Math.abs(stat.seconds * 1000 - recorded.durationMs)).toBeLessThanOrEqual(25);
  });

  it("plays in another person's page: the talker's tone, for the transmission's whole length", async () => {
    const bob = await person('bob');
    const played = await bob.page.evaluate(
      async ([id, bearer]) => {
        const response = await fetch(`/api/transmissions/${id}/audio`, {
          headers: { authorization: `Bearer ${bearer}` },
        });
        const url = URL.createObjectURL(await response.blob());
        const audio = new Audio(url);
        const context = new AudioContext();
        await context.resume();
        const analyser = context.createAnalyser();
        analyser.fftSize = 4096;
        context.createMediaElementSource(audio).connect(analyser).connect(context.destination);
        const bins = new Float32Array(analyser.frequencyBinCount);
        const samples = new Float32Array(analyser.fftSize);
        const peaks: number[] = [];
        let rms = 0;
        const started = new Promise<number>((resolve) =>
          audio.addEventListener('playing', () => resolve(performance.now()), { once: true }),
        );
        const ended = new Promise<number>((resolve) =>
          audio.addEventListener('ended', () => resolve(performance.now()), { once: true }),
        );
        const sampler = setInterval(() => {
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const value of samples) sum += value * value;
          const level = Math.sqrt(sum / samples.length);
          if (level < 0.05) return;
          rms = Math.max(rms, level);
          analyser.getFloatFrequencyData(bins);
          let best = 0;
          for (let i = 1; i < bins.length; i += 1) if (bins[i]! > bins[best]!) best = i;
          peaks.push((best * context.sampleRate) / analyser.fftSize);
        }, 100);
        await audio.play();
        const playedMs = (await ended) - (await started);
        clearInterval(sampler);
        peaks.sort((a, b) => a - b);
        await context.close();
        return {
          playedMs,
          elementMs: audio.duration * 1000,
          rms,
          peakHz: peaks[Math.floor(peaks.length / 2)] ?? 0,
        };
      },
      [recorded.id, await token('bob')] as const,
    );
    expect(Math.abs(played.peakHz - TONE_HZ)).toBeLessThan(30);
    expect(played.rms).toBeGreaterThan(0.1);
    expect(Math.abs(played.elementMs - recorded.durationMs)).toBeLessThanOrEqual(100);
    // Played from 'playing' to 'ended' on the page's clock: never cut short, and not slowed down. The events can
    // reach the page late on a busy machine (230 ms seen), so the upper bound is looser than the lower.
    expect(played.playedMs).toBeGreaterThanOrEqual(recorded.durationMs - 100);
    expect(played.playedMs).toBeLessThanOrEqual(recorded.durationMs + 400);
  });

  it('answers 401 without a token, 403 to a General of another channel, and serves ranges', async () => {
    const x = channels.X!;
    const audioUrl = `${server.url}/api/transmissions/${recorded.id}/audio`;
    const anonymous = await apiRequest(audioUrl);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json<{ error: { code: string } }>().error.code).toBe('not_authenticated');
    expect((await apiRequest(`${server.url}/api/channels/${x}/transmissions`)).status).toBe(401);

    const carolList = await list('carol', x);
    expect(carolList.status).toBe(403);
    expect(carolList.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'forbidden',
    });
    const carolAudio = await apiRequest(audioUrl, { token: await token('carol') });
    expect(carolAudio.status).toBe(403);
    expect((await list('carol', channels.Y!)).json<{ transmissions: unknown[] }>().transmissions).toEqual([]);

    const whole = await apiRequest(audioUrl, { token: await token('alice') });
    const range = await apiRequest(audioUrl, {
      token: await token('alice'),
      headers: { range: 'bytes=100-1099' },
    });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 100-1099/${recorded.bytes}`);
    expect(range.body.equals(whole.body.subarray(100, 1100))).toBe(true);
    const tail = await apiRequest(audioUrl, {
      token: await token('alice'),
      headers: { range: 'bytes=-200' },
    });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(whole.body.subarray(whole.body.length - 200))).toBe(true);
    const outside = await apiRequest(audioUrl, {
      token: await token('alice'),
      headers: { range: `bytes=${recorded.bytes + 10}-` },
    });
    expect(outside.status).toBe(416);

    const missing = await apiRequest(
      `${server.url}/api/transmissions/00000000-0000-4000-8000-000000000000/audio`,
      {
        token: await token('alice'),
      },
    );
    expect(missing.status).toBe(404);
    const badId = await apiRequest(`${server.url}/api/transmissions/nope/audio`, {
      token: await token('alice'),
    });
    expect(badId.status).toBe(400);
  });

  it("audits a dispatcher's and an admin's playback, not a member's", async () => {
    const audioUrl = `${server.url}/api/transmissions/${recorded.id}/audio`;
    const db = server.squelch.controlPlane.db;
    const playsBefore = async () =>
      (
        await db
          .selectFrom('audit_log')
          .select(['actor_id'])
          .where('action', '=', 'transmission.play')
          .execute()
      ).map((row) => row.actor_id);
    const before = await playsBefore();
    expect((await apiRequest(audioUrl, { token: await token('bob') })).status).toBe(200);
    expect(await playsBefore()).toEqual(before);
    expect((await apiRequest(audioUrl, { token: await token('dave') })).status).toBe(200);
    // A further range of the same playback is not a new playback.
    expect(
      (await apiRequest(audioUrl, { token: await token('dave'), headers: { range: 'bytes=500-' } })).status,
    ).toBe(206);
    const after = await playsBefore();
    expect(after.length - before.length).toBe(1);
    expect(after).toContain(users.dave.id);
  });

  it('pages by time, newest first', async () => {
    const x = channels.X!;
    const alice = await person('alice');
    expect((await alice.press(x)).granted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await alice.release(x);
    await server.squelch.recordings.recorder.settled();
    const all = (await list('bob', x)).json<{ transmissions: TransmissionView[] }>().transmissions;
    expect(all.map((t) => t.id)[1]).toBe(recorded.id);
    const newest = all[0]!;
    // Each grant's fencing number is stored with its recording, and a later grant's is larger.
    expect(newest.grantNumber).toBeGreaterThan(recorded.grantNumber!);
    const older = (await list('bob', x, `?before=${encodeURIComponent(newest.startedAt)}`)).json<{
      transmissions: TransmissionView[];
    }>().transmissions;
    expect(older.map((t) => t.id)).toEqual([recorded.id]);
    const newer = (await list('bob', x, `?after=${encodeURIComponent(recorded.startedAt)}&limit=1`)).json<{
      transmissions: TransmissionView[];
    }>().transmissions;
    expect(newer.map((t) => t.id)).toEqual([newest.id]);
    const bad = await list('bob', x, '?after=yesterday');
    expect(bad.status).toBe(400);
  });

  it('the retention sweep removes expired files and rows, and keeps the rest', async () => {
    const recordings = server.squelch.recordings;
    const x = channels.X!;
    const before = (await list('bob', x)).json<{ transmissions: TransmissionView[] }>().transmissions;
    expect(before).toHaveLength(2);
    const files = await Promise.all(
      before.map(async (t) => (await recordings.service.store.find(t.id))!.file),
    );
    // Make the first recording 25 h old: past the default 24 h retention.
    await server.squelch.controlPlane.db
      .updateTable('transmissions')
      .set({ started_at: new Date(Date.now() - 25 * 3600_000) })
      .where('id', '=', recorded.id)
      .execute();
    expect(await recordings.sweeper.sweep()).toBe(1);
    const after = (await list('bob', x)).json<{ transmissions: TransmissionView[] }>().transmissions;
    expect(after.map((t) => t.id)).toEqual([before[0]!.id]);
    const oldFile = files[before.findIndex((t) => t.id === recorded.id)]!;
    await expect(fs.stat(path.join(recordings.directory, oldFile))).rejects.toThrow();
    const keptFile = files[before.findIndex((t) => t.id !== recorded.id)]!;
    expect((await fs.stat(path.join(recordings.directory, keptFile))).size).toBeGreaterThan(0);
    expect(
      (
        await apiRequest(`${server.url}/api/transmissions/${recorded.id}/audio`, {
          token: await token('bob'),
        })
      ).status,
    ).toBe(404);

    // Retention 0 turns recording off for the event and removes what it had.
    await server.squelch.controlPlane.db
      .updateTable('events')
      .set({ recording_retention_hours: 0 })
      .where('id', '=', eventId)
      .execute();
    expect(await recordings.sweeper.sweep()).toBe(1);
    const alice = await person('alice');
    expect((await alice.press(x)).granted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await alice.release(x);
    await recordings.recorder.settled();
    expect((await list('bob', x)).json<{ transmissions: unknown[] }>().transmissions).toEqual([]);
    const left = await fs.readdir(path.join(recordings.directory, x), {
      recursive: true,
      withFileTypes: true,
    });
    expect(left.filter((entry) => entry.isFile())).toEqual([]);
  });
});
