import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oggPackets } from '../../packages/server/test/support/oggTools';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

interface Answer {
  status: number;
  body: { retentionHours?: number; error?: { code: string; message: string; field?: string } };
}

/** GET or PUT of an event's recording retention, as a client would send it. */
function retentionRequest(
  server: TestServer,
  eventId: string,
  options: { token?: string; put?: unknown },
): Promise<Answer> {
  const body = options.put === undefined ? undefined : JSON.stringify(options.put);
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${server.url}/api/events/${eventId}/recording`,
      {
        method: body === undefined ? 'GET' : 'PUT',
        rejectUnauthorized: false,
        timeout: 10_000,
        headers: {
          ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Each event's retention, edited through the API: validated, admins only, audited; the recorder honours it at
 * once (0: nothing recorded; back on: the next transmission is recorded) and the sweeper removes what a
 * shorter retention expires. Transmissions are fed to the node's recorder as RTP packets carrying real Opus
 * (opusenc), exactly as the talker tap hands them over.
 */
describe('recording retention per event', () => {
  let server: TestServer;
  let dir: string;
  let eventId: string;
  let channelId: string;
  let general: TestUser;
  let adminToken: string;
  let rtp: Buffer[];
  let talks = 0;

  const transmit = async (): Promise<void> => {
    talks += 1;
    const recording = server.squelch.recordings.recorder.begin({
      channelId,
      grantId: `retention-${talks}`,
      grantNumber: talks,
      talkerId: general.id,
      talkerName: general.displayName,
    });
    for (const packet of rtp) recording?.packet(packet);
    recording?.end();
    await server.squelch.recordings.recorder.settled();
  };
  const rows = () =>
    server.squelch.controlPlane.db
      .selectFrom('transmissions')
      .select(['id', 'file', 'started_at'])
      .where('channel_id', '=', channelId)
      .execute();
  const exists = (file: string) =>
    fs.stat(path.join(server.squelch.recordings.directory, file)).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
    const made = await server.createChannels(['Gates']);
    eventId = made.eventId;
    channelId = made.channels.Gates!;
    general = await server.createUser('Gina', eventId, [channelId]);
    adminToken = (
      await server.squelch.controlPlane.services.auth.login(
        server.admin.email,
        server.admin.password,
        '127.0.0.1',
      )
    ).accessToken;

    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-retention-'));
    const wav = path.join(dir, 'tone.wav');
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', wav, 'synth', '1', 'sine', '600']);
    execFileSync('opusenc', ['--quiet', '--framesize', '20', '--bitrate', '32', wav, `${wav}.opus`]);
    rtp = oggPackets(await fs.readFile(`${wav}.opus`))
      .slice(2)
      .map((opus, i) => {
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header[1] = 100;
        header.writeUInt16BE(i, 2);
        header.writeUInt32BE(i * 960, 4);
        header.writeUInt32BE(1234, 8);
        return Buffer.concat([header, opus]);
      });
  });

  afterAll(async () => {
    await server?.stop();
    if (dir !== undefined) await fs.rm(dir, { recursive: true, force: true });
  });

  it('is 24 h by default; admins change it, members read it, others are refused', async () => {
    const token = await server.token(general);
    expect(await retentionRequest(server, eventId, { token })).toEqual({
      status: 200,
      body: { retentionHours: 24 },
    });
    const byGeneral = await retentionRequest(server, eventId, { token, put: { retentionHours: 1 } });
    expect(byGeneral.status).toBe(403);
    expect(byGeneral.body.error?.code).toBe('forbidden');
    const anonymous = await retentionRequest(server, eventId, { put: { retentionHours: 1 } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.code).toBe('not_authenticated');

    const changed = await retentionRequest(server, eventId, {
      token: adminToken,
      put: { retentionHours: 48 },
    });
    expect(changed).toEqual({ status: 200, body: { retentionHours: 48 } });
    expect((await retentionRequest(server, eventId, { token })).body.retentionHours).toBe(48);
    const audit = await server.squelch.controlPlane.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target_id', '=', eventId)
      .where('action', '=', 'event.recording_retention')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ retentionHours: 48, previousHours: 24 });

    const missing = await retentionRequest(server, '00000000-0000-4000-8000-000000000000', {
      token: adminToken,
      put: { retentionHours: 1 },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('not_found');
  });

  it('refuses values that are not whole hours from 0 to a year, with a sentence naming the field', async () => {
    for (const put of [
      { retentionHours: -1 },
      { retentionHours: 1.5 },
      { retentionHours: 8761 },
      { retentionHours: 'a day' },
      { retentionHours: null },
      {},
    ]) {
      const answer = await retentionRequest(server, eventId, { token: adminToken, put });
      expect(answer.status, JSON.stringify(put)).toBe(400);
      expect(answer.body.error?.code).toBe('bad_request');
      expect(answer.body.error?.message).toMatch(/retentionHours/);
    }
    expect((await retentionRequest(server, eventId, { token: adminToken })).body.retentionHours).toBe(48);
  });

  it('0 stops recording at once; turned back on, the next transmission is recorded', async () => {
    await transmit();
    expect(await rows()).toHaveLength(1);

    await retentionRequest(server, eventId, { token: adminToken, put: { retentionHours: 0 } });
    const before = await fs.readdir(server.squelch.recordings.directory, { recursive: true });
    await transmit();
    await transmit();
    expect(await rows()).toHaveLength(1);
    // No file was left behind either.
    expect(await fs.readdir(server.squelch.recordings.directory, { recursive: true })).toEqual(before);

    await retentionRequest(server, eventId, { token: adminToken, put: { retentionHours: 24 } });
    await transmit();
    const after = await rows();
    expect(after).toHaveLength(2);
    for (const row of after) expect(await exists(row.file)).toBe(true);
  });

  it('the sweeper honours a changed retention: a shorter one expires recordings, 0 removes them all', async () => {
    const sweeper = server.squelch.recordings.sweeper;
    const recorded = await rows();
    expect(recorded).toHaveLength(2);
    const newest = Math.max(...recorded.map((row) => row.started_at.getTime()));

    // 24 h: nothing is old enough 2 h from now.
    expect(await sweeper.sweep(new Date(newest + 2 * 3_600_000))).toBe(0);
    await retentionRequest(server, eventId, { token: adminToken, put: { retentionHours: 1 } });
    expect(await sweeper.sweep(new Date(newest + 30 * 60_000))).toBe(0);
    expect(await rows()).toHaveLength(2);
    expect(await sweeper.sweep(new Date(newest + 61 * 60_000))).toBe(2);
    expect(await rows()).toHaveLength(0);
    for (const row of recorded) expect(await exists(row.file)).toBe(false);

    await retentionRequest(server, eventId, { token: adminToken, put: { retentionHours: 24 } });
    await transmit();
    const fresh = await rows();
    expect(fresh).toHaveLength(1);
    await retentionRequest(server, eventId, { token: adminToken, put: { retentionHours: 0 } });
    expect(await sweeper.sweep()).toBe(1);
    expect(await rows()).toHaveLength(0);
    expect(await exists(fresh[0]!.file)).toBe(false);
  });
});
