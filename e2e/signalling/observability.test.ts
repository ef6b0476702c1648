import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../support/botClient';
import { httpsGet as get } from '../support/httpsGet';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/** Reads one sample of a metric from the Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`)))
      return Number(match[3]);
  }
  return undefined;
}

describe('health and metrics endpoints', () => {
  let server: TestServer;
  const bots: BotClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ workers: 2 });
  });

  afterAll(async () => {
    for (const bot of bots) bot.close();
    await server?.stop();
  });

  it('reports alive and ready with each dependency', async () => {
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    const ready = await get(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({
      status: 'ready',
      checks: { mediaWorkers: true, floorStore: true, database: true },
      // Conditions that do not make the node unready (e.g. recording paused on a full disk); none here.
      notices: {},
    });
  });

  it('counts sessions, mediasoup objects, floor outcomes and refused requests', async () => {
    const { eventId, channels } = await server.createChannels(['M']);
    const channelId = channels.M!;
    for (const name of ['Ann', 'Ben']) {
      const user = await server.createUser(name, eventId, [channelId]);
      const bot = await BotClient.connect(server.url, await server.token(user));
      await bot.join(channelId);
      bots.push(bot);
    }
    expect((await bots[0]!.press(channelId)).granted).toBe(true);
    expect((await bots[1]!.press(channelId)).granted).toBe(false);
    await expect(bots[1]!.call('teleport', {})).rejects.toThrow(/unknown_method/);

    const { status, text } = await get(`${server.url}/metrics`);
    expect(status).toBe(200);
    expect(sample(text, 'squelch_sessions')).toBe(2);
    expect(sample(text, 'squelch_transports')).toBe(4);
    expect(sample(text, 'squelch_producers')).toBe(2);
    expect(sample(text, 'squelch_consumers')).toBe(2);
    expect(sample(text, 'squelch_channel_streams')).toBe(1);
    expect(sample(text, 'squelch_floor_requests_total', { outcome: 'granted' })).toBe(1);
    expect(sample(text, 'squelch_floor_requests_total', { outcome: 'busy' })).toBe(1);
    expect(sample(text, 'squelch_floor_request_duration_seconds_count', { outcome: 'granted' })).toBe(1);
    expect(sample(text, 'squelch_signalling_errors_total', { code: 'unknown_method' })).toBe(1);
    for (const worker of ['0', '1']) {
      expect(sample(text, 'squelch_media_worker_resident_memory_bytes', { worker })).toBeGreaterThan(
        1_000_000,
      );
      expect(
        sample(text, 'squelch_media_worker_cpu_seconds', { worker, mode: 'user' }),
      ).toBeGreaterThanOrEqual(0);
    }
    expect(sample(text, 'squelch_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
