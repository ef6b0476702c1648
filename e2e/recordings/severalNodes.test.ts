import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransmissionView } from '../../packages/server/src/recordings/TransmissionStore';
import { decodeWithOpusTools, soxStat } from '../../packages/server/test/support/oggTools';
import { apiRequest } from '../support/apiRequest';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import { LabPage } from '../support/labPage';

/**
 * Two nodes (one PostgreSQL database, one redis-server) sharing one recordings directory: a person talks on
 * node A, and the transmission is listed and played — whole and by byte ranges — through node B.
 */
describe('recordings on several nodes', () => {
  let shared: string;
  let cluster: Cluster;
  let browser: TestBrowser;
  let channelId: string;
  let listenerToken: string;

  beforeAll(async () => {
    shared = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-shared-recordings-'));
    cluster = await startCluster({ backend: 'redis', nodes: 2, env: { SQUELCH_RECORDINGS_DIR: shared } });
    const made = await cluster.createChannels(['Gate']);
    channelId = made.channels.Gate!;
    const [talker, listener] = await cluster.createUsers(['Tom', 'Lea'], made.eventId, [channelId]);
    const a = cluster.node(0);
    browser = await launchChromium();
    const tom = new LabPage(await browser.page(`${a.url}/lab.html`));
    await tom.connect(await a.token(talker!));
    await tom.enableMicrophone();
    const lea = new LabPage(await browser.page(`${a.url}/lab.html`));
    listenerToken = await a.token(listener!);
    await lea.connect(listenerToken);
    await tom.join(channelId);
    await lea.join(channelId);

    expect((await tom.press(channelId)).granted).toBe(true);
    expect(await lea.waitForLevel(channelId, 'above', 0.05, 3000)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await tom.release(channelId);
    await a.squelch.recordings.recorder.settled();
  });

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    if (shared !== undefined) await fs.rm(shared, { recursive: true, force: true });
  });

  it('lists and plays through node B a transmission recorded on node A', async () => {
    const b = cluster.node(1);
    const listed = await apiRequest(`${b.url}/api/channels/${channelId}/transmissions`, {
      token: listenerToken,
    });
    expect(listed.status).toBe(200);
    const [transmission] = listed.json<{ transmissions: TransmissionView[] }>().transmissions;
    expect(transmission?.talkerName).toBe('Tom');
    const row = await b.squelch.controlPlane.db
      .selectFrom('transmissions')
      .select(['node_id', 'bytes'])
      .where('id', '=', transmission!.id)
      .executeTakeFirstOrThrow();
    expect(row.node_id).toBe('node-1');

    const url = `${b.url}/api/transmissions/${transmission!.id}/audio`;
    const whole = await apiRequest(url, { token: listenerToken });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/ogg');
    expect(whole.body.length).toBe(row.bytes);
    const part = await apiRequest(url, { token: listenerToken, headers: { range: 'bytes=100-299' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-299/${row.bytes}`);
    expect(part.body).toEqual(whole.body.subarray(100, 300));

    const file = path.join(shared, 'played-through-b.ogg');
    await fs.writeFile(file, whole.body);
    const { wav, info } = decodeWithOpusTools(file);
    expect(info).not.toMatch(/WARNING|ERROR/i);
    const stat = soxStat(wav);
    expect(Math.abs(stat.frequency - 1000)).toBeLessThan(50);
    expect(Math.abs(stat.seconds * 1000 - transmission!.durationMs)).toBeLessThanOrEqual(25);
    expect(transmission!.durationMs).toBeGreaterThan(1200);
  });
});
