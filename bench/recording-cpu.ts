/**
 * Node CPU of a node forwarding 20 simultaneous transmissions, with and without recording them. Real parts:
 * one mediasoup worker, 20 talker taps feeding 20 channel streams (the production media path), the recorder
 * writing Ogg Opus files to a temporary directory and cataloguing them in PGlite. Each talker is a
 * PlainTransport producer fed by this script over UDP with real Opus packets (opusenc, 1 kHz tone, 20 ms).
 * The phases alternate (off, on, off, on, ...) and the ratio of the medians is printed. One untimed pair of
 * phases comes first, so that one-off costs (compiling the recorder's code, creating each channel's
 * directory) are not counted as the steady cost of recording.
 *
 *   npx tsx bench/recording-cpu.ts [--talkers 20] [--seconds 10] [--rounds 5]
 *
 * Bounded: (rounds + 1) × 2 phases of --seconds each; everything it starts is stopped at the end.
 */
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ControlPlane } from '../packages/server/src/controlplane/ControlPlane';
import { ChannelStreams } from '../packages/server/src/media/ChannelStreams';
import { pttOpusParameters } from '../packages/server/src/media/opus';
import { TalkerTap } from '../packages/server/src/media/TalkerTap';
import { WorkerPool } from '../packages/server/src/media/WorkerPool';
import { Recordings } from '../packages/server/src/recordings/Recordings';
import { rtpPayload } from '../packages/server/src/recordings/rtpPayload';
import { TransmissionFile } from '../packages/server/src/recordings/TransmissionFile';
import { oggPackets } from '../packages/server/test/support/oggTools';
import { writeToneOpus } from './lib/toneOpus';

const { values } = parseArgs({
  options: {
    talkers: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
  },
});
const talkers = Number(values.talkers);
const phaseMs = Number(values.seconds) * 1000;
const rounds = Number(values.rounds);
const logger = pino({ level: 'warn' });

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-bench-rec-'));
const opus = oggPackets(await fs.readFile(writeToneOpus(dir))).slice(2);

const controlPlane = await ControlPlane.open({
  database: { kind: 'pglite', dataDir: path.join(dir, 'db') },
  auth: { jwtSecret: 'x'.repeat(40), passwordHashing: { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 } },
  logger,
});
const accounts = (await controlPlane.seedDemoIfEmpty()) ?? [];
const adminAccount = accounts.find((account) => account.role === 'admin')!;
const login = await controlPlane.services.auth.login(adminAccount.email, adminAccount.password, '127.0.0.1');
const admin = { userId: login.user.id, displayName: login.user.displayName, isAdmin: true };
const event = await controlPlane.services.events.create(admin, { name: 'Bench' });
const team = await controlPlane.services.teams.create(admin, event.id, 'Bench');
const channelIds: string[] = [];
for (let i = 0; i < talkers; i += 1) {
  channelIds.push((await controlPlane.services.channels.create(admin, team.id, `C${i}`)).id);
}
const recordings = await Recordings.start({
  directory: path.join(dir, 'recordings'),
  minFreeBytes: 1_048_576,
  sweepIntervalMs: 3_600_000,
  nodeId: 'bench',
  db: controlPlane.db,
  logger,
});

const pool = await WorkerPool.create({
  size: 1,
  listenIp: '127.0.0.1',
  announcedAddress: undefined,
  basePort: undefined,
  ptime: 20,
  logger,
});
const worker = pool.leastLoaded();
const streams = new ChannelStreams({ ptime: 20, logger });
const socket = dgram.createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

interface Talker {
  channelId: string;
  tap: TalkerTap;
  port: number;
  ssrc: number;
  seq: number;
  ts: number;
}
const list: Talker[] = [];
for (const [i, channelId] of channelIds.entries()) {
  const transport = await worker.router.createPlainTransport({
    listenIp: '127.0.0.1',
    rtcpMux: true,
    comedia: true,
  });
  const ssrc = 1000 + i;
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [
        {
          mimeType: 'audio/opus',
          payloadType: 111,
          clockRate: 48000,
          channels: 2,
          parameters: pttOpusParameters(20),
        },
      ],
      encodings: [{ ssrc }],
    },
  });
  const tap = await TalkerTap.create(producer, worker, logger);
  const lease = await streams.acquire(channelId, worker);
  await tap.open(lease.stream, { grantId: `warm-${i}`, fence: 1 });
  list.push({ channelId, tap, port: transport.tuple.localPort, ssrc, seq: 0, ts: 0 });
}

let packetIndex = 0;
const sender = setInterval(() => {
  const payload = opus[packetIndex % opus.length]!;
  packetIndex += 1;
  for (const talker of list) {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = 111;
    header.writeUInt16BE(talker.seq & 0xffff, 2);
    header.writeUInt32BE(talker.ts >>> 0, 4);
    header.writeUInt32BE(talker.ssrc, 8);
    talker.seq += 1;
    talker.ts += 960;
    socket.send(Buffer.concat([header, payload]), talker.port, '127.0.0.1');
  }
}, 20);

/** Fencing numbers: each phase's grants are newer than the previous phase's. */
let fence = 1;

async function phase(record: boolean, round: number): Promise<number> {
  fence += 1;
  for (const talker of list) {
    const grantId = `${record ? 'on' : 'off'}-${round}-${talker.channelId}`;
    const recording = record
      ? recordings.recorder.begin({
          grantNumber: fence,
          channelId: talker.channelId,
          grantId,
          talkerId: admin.userId,
          talkerName: 'Bench',
        })
      : undefined;
    const stream = (await streams.acquire(talker.channelId, worker)).stream;
    await talker.tap.open(stream, { grantId, fence }, recording);
  }
  const start = process.cpuUsage();
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, phaseMs));
  const used = process.cpuUsage(start);
  const elapsed = performance.now() - startedAt;
  for (const talker of list) await talker.tap.close(talker.channelId);
  await recordings.recorder.settled();
  return ((used.user + used.system) / 1000 / elapsed) * 100;
}

// Warm-up: forwarding only, then one untimed pair of phases.
await new Promise((resolve) => setTimeout(resolve, 2000));
await phase(false, -1);
await phase(true, -1);
const off: number[] = [];
const on: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  off.push(await phase(false, round));
  on.push(await phase(true, round));
}
clearInterval(sender);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = await controlPlane.db
  .selectFrom('transmissions')
  .select(['duration_ms', 'bytes'])
  .where('grant_id', 'not like', 'on--1-%')
  .execute();
console.log(
  `talkers ${talkers}, ${rounds} rounds × ${phaseMs / 1000} s per phase after one untimed round, ` +
    `20 ms Opus packets at 32 kbit/s`,
);
console.log(
  `Node CPU not recording: ${off.map((v) => v.toFixed(1)).join(' / ')} % of a core (median ${median(off).toFixed(1)} %)`,
);
console.log(
  `Node CPU recording:     ${on.map((v) => v.toFixed(1)).join(' / ')} % of a core (median ${median(on).toFixed(1)} %)`,
);
console.log(`ratio recording / not: ${(median(on) / median(off)).toFixed(3)} (target ≤ 1.10)`);
console.log(
  `recordings catalogued: ${rows.length}, mean ${Math.round(rows.reduce((s, r) => s + r.duration_ms, 0) / Math.max(1, rows.length))} ms, ` +
    `${Math.round(rows.reduce((s, r) => s + r.bytes, 0) / Math.max(1, rows.length) / 1024)} KiB each`,
);

// The recorder's own work per packet, without the rest of the node around it (steadier than the ratio on a
// busy machine): payload slicing and page building for `talkers` files, 25 s of packets each.
const isolated: number[] = [];
for (let rep = 0; rep < 5; rep += 1) {
  const files = channelIds.map((channelId, i) =>
    TransmissionFile.create(path.join(dir, 'isolated'), `${rep}-${i}.ogg`, { TITLE: channelId }),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const start = process.cpuUsage();
  for (let n = 0; n < 1250; n += 1) {
    const rtp = Buffer.concat([
      Buffer.from([0x80, 111, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
      opus[n % opus.length]!,
    ]);
    for (const file of files) file.write(rtpPayload(rtp)!);
  }
  const used = process.cpuUsage(start);
  await Promise.all(files.map((file) => file.finish()));
  isolated.push((used.user + used.system) / (1250 * files.length));
}
console.log(
  `recorder work per packet, isolated: ${isolated.map((v) => v.toFixed(2)).join(' / ')} µs (median ${median(isolated).toFixed(2)} µs)`,
);

socket.close();
for (const talker of list) talker.tap.dispose();
streams.close();
await recordings.close();
pool.close();
await controlPlane.close();
await fs.rm(dir, { recursive: true, force: true });
