import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opusPacketSamples } from '../../src/recordings/oggOpus';
import { TransmissionFile } from '../../src/recordings/TransmissionFile';
import { TransmissionRecorder } from '../../src/recordings/TransmissionRecorder';
import type { TransmissionStore } from '../../src/recordings/TransmissionStore';
import { DiskGuard } from '../../src/recordings/DiskGuard';
import { decodeWithOpusTools, oggPackets, soxStat } from '../support/oggTools';

/**
 * The Ogg Opus writer against independent tools: Opus packets made by opusenc (libopus) are re-wrapped by
 * TransmissionFile, then checked by opusinfo, decoded by opusdec and measured by sox.
 */
describe('Ogg Opus recording files', () => {
  let dir: string;
  let packets: Buffer[];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-ogg-'));
    const wav = path.join(dir, 'tone.wav');
    execFileSync('sox', [
      '-n',
      '-r',
      '48000',
      '-c',
      '1',
      '-b',
      '16',
      wav,
      'synth',
      '2',
      'sine',
      '700',
      'vol',
      '0.5',
    ]);
    const source = path.join(dir, 'source.opus');
    execFileSync('opusenc', ['--quiet', '--framesize', '20', '--bitrate', '32', '--hard-cbr', wav, source]);
    // Packets 0 and 1 are opusenc's OpusHead and OpusTags.
    packets = oggPackets(await fs.readFile(source)).slice(2);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('counts the samples of Opus packets from their TOC byte', () => {
    expect(opusPacketSamples(Uint8Array.of((31 << 3) | 0))).toBe(960); // CELT 20 ms, one frame
    expect(opusPacketSamples(Uint8Array.of((16 << 3) | 1))).toBe(240); // CELT 2.5 ms, two frames
    expect(opusPacketSamples(Uint8Array.of((3 << 3) | 3, 3))).toBe(3 * 2880); // SILK 60 ms × 3
    expect(opusPacketSamples(Uint8Array.of((13 << 3) | 0))).toBe(960); // hybrid 20 ms
    expect(opusPacketSamples(new Uint8Array(0))).toBe(0);
    expect(packets.every((packet) => opusPacketSamples(packet) === 960)).toBe(true);
  });

  it('writes a file opusinfo accepts and opusdec decodes to the same tone and length', async () => {
    expect(packets.length).toBeGreaterThanOrEqual(100);
    const file = TransmissionFile.create(dir, path.join('chan', 'a.ogg'), { TITLE: 'test' });
    for (const packet of packets) file.write(packet);
    const finished = await file.finish();
    expect(finished.packets).toBe(packets.length);
    expect(finished.durationMs).toBe(packets.length * 20);
    const ogg = path.join(dir, 'chan', 'a.ogg');
    expect((await fs.stat(ogg)).size).toBe(finished.bytes);
    await expect(fs.stat(`${ogg}.partial`)).rejects.toThrow();

    const { wav, info } = decodeWithOpusTools(ogg);
    expect(info).not.toMatch(/WARNING|ERROR/i);
    expect(info).toMatch(/Channels: 1/);
    const stat = soxStat(wav);
    expect(Math.abs(stat.frequency - 700)).toBeLessThan(15);
    expect(Math.abs(stat.seconds * 1000 - finished.durationMs)).toBeLessThanOrEqual(25);
    expect(stat.rms).toBeGreaterThan(0.2);
  });

  it('keeps packets of any size intact across pages, with pages libogg accepts', async () => {
    // CELT 20 ms, one frame (TOC 0xf8); sizes around the 255-byte lacing boundary and past a page's body.
    const sizes = [20, 254, 255, 256, 509, 510, 511, 1200, 80, 3000];
    const sent: Buffer[] = [];
    for (let i = 0; i < 300; i += 1) {
      const packet = Buffer.alloc(sizes[i % sizes.length]!, i & 0xff);
      packet[0] = 0xf8;
      sent.push(packet);
    }
    const file = TransmissionFile.create(dir, path.join('sizes', 'd.ogg'));
    for (const packet of sent) file.write(packet);
    const finished = await file.finish();
    const bytes = await fs.readFile(path.join(dir, 'sizes', 'd.ogg'));
    expect(bytes.length).toBe(finished.bytes);
    expect(oggPackets(bytes).slice(2)).toEqual(sent);
    expect(finished.durationMs).toBe(300 * 20);
    const info = execFileSync('opusinfo', [path.join(dir, 'sizes', 'd.ogg')], { encoding: 'utf8' });
    expect(info).not.toMatch(/WARNING|ERROR|hole/i);
    // Played length: the packets' 6 s less the pre-skip (6.5 ms).
    expect(info).toMatch(/Playback length: 0m:05\.99\ds/);
  });

  it('leaves only a .partial file until finished; abort and start-up remove such files', async () => {
    const relative = path.join('chan', 'b.ogg');
    const file = TransmissionFile.create(dir, relative);
    for (const packet of packets.slice(0, 120)) file.write(packet);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const names = await fs.readdir(path.join(dir, 'chan'));
    expect(names).toContain('b.ogg.partial');
    expect(names).not.toContain('b.ogg');
    // A crash now: the next start removes the partial file and catalogues nothing.
    const recorder = new TransmissionRecorder({
      directory: dir,
      nodeId: 'test',
      store: {} as TransmissionStore,
      disk: new DiskGuard({
        directory: dir,
        minFreeBytes: 1,
        checkIntervalMs: 60_000,
        logger: pino({ level: 'silent' }),
      }),
      logger: pino({ level: 'silent' }),
    });
    expect(await recorder.removeLeftovers()).toBe(1);
    expect(await fs.readdir(path.join(dir, 'chan'))).not.toContain('b.ogg.partial');

    const aborted = TransmissionFile.create(dir, path.join('chan', 'c.ogg'));
    aborted.write(packets[0]!);
    await aborted.abort();
    expect(await fs.readdir(path.join(dir, 'chan'))).toEqual(['a.ogg', 'a.ogg.wav']);
  });
});
