import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTones } from '../../packages/server/src/http/tones';

const BUILTIN = path.resolve(import.meta.dirname, '../../packages/server/assets/tones');

/** GET /tones/manifest.json and /tones/<file>: the deployer's folder first, built-in defaults otherwise. */
describe('tone files', () => {
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let folder: string;

  beforeAll(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-tones-'));
    app = Fastify();
    registerTones(app, { tonesDir: folder, builtinDir: BUILTIN });
    await app.ready();
    bare = Fastify();
    registerTones(bare, { tonesDir: undefined, builtinDir: BUILTIN });
    await bare.ready();
  });

  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await fs.rm(folder, { recursive: true, force: true });
  });

  const manifest = async (instance: FastifyInstance) => {
    const answer = await instance.inject({ method: 'GET', url: '/tones/manifest.json' });
    expect(answer.statusCode).toBe(200);
    return answer.json<{ tones: Record<string, string> }>().tones;
  };

  it('offers the four built-in tones as WAV files', async () => {
    const tones = await manifest(bare);
    expect(Object.keys(tones).sort()).toEqual(['busy', 'emergency', 'transmit-end', 'transmit-start']);
    for (const url of Object.values(tones)) {
      expect(url).toMatch(/^\/tones\/(busy|emergency|transmit-end|transmit-start)\.wav\?v=/);
      const file = await bare.inject({ method: 'GET', url });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('audio/wav');
      expect(file.rawPayload.subarray(0, 4).toString('ascii')).toBe('RIFF');
    }
  });

  it('prefers a file dropped into the configured folder, without a restart', async () => {
    expect((await manifest(app)).busy).toMatch(/^\/tones\/busy\.wav/);
    await fs.writeFile(path.join(folder, 'busy.mp3'), Buffer.from('ID3 fake mp3 for the test'));
    const tones = await manifest(app);
    expect(tones.busy).toMatch(/^\/tones\/busy\.mp3\?v=/);
    expect(tones['transmit-start']).toMatch(/^\/tones\/transmit-start\.wav/);
    const file = await app.inject({ method: 'GET', url: tones.busy! });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('audio/mpeg');
    expect(file.body).toBe('ID3 fake mp3 for the test');
    // The replaced built-in is no longer served under the old name.
    expect((await app.inject({ method: 'GET', url: '/tones/busy.wav' })).statusCode).toBe(404);
  });

  it('takes ogg before mp3 before wav within a folder, and ignores empty files', async () => {
    await fs.writeFile(path.join(folder, 'transmit-end.wav'), Buffer.from('RIFF custom'));
    await fs.writeFile(path.join(folder, 'transmit-end.ogg'), Buffer.alloc(0));
    expect((await manifest(app))['transmit-end']).toMatch(/^\/tones\/transmit-end\.wav/);
    await fs.writeFile(path.join(folder, 'transmit-end.ogg'), Buffer.from('OggS custom'));
    const url = (await manifest(app))['transmit-end']!;
    expect(url).toMatch(/^\/tones\/transmit-end\.ogg/);
    const file = await app.inject({ method: 'GET', url });
    expect(file.headers['content-type']).toBe('audio/ogg');
  });

  it('answers 404 with an error body for names outside the scheme (no path traversal)', async () => {
    for (const url of [
      '/tones/other.wav',
      '/tones/busy.exe',
      '/tones/..%2Fpackage.json',
      '/tones/%2e%2e%2fREADME.md',
    ]) {
      const answer = await app.inject({ method: 'GET', url });
      expect(answer.statusCode).toBe(404);
      expect(answer.json<{ error: { code: string } }>().error.code).toBe('not_found');
    }
  });
});
