/**
 * A load-generating process of bench/capacity.ts, run as its own Node process (so its CPU is counted apart
 * from the server's) and driven over the IPC channel:
 *
 *   node --import tsx bench/lib/capacityLoad.ts
 *
 * `listen` signs listeners in (one signalling session each), joins each to its channel and connects a real
 * WebRTC receive transport (ICE, DTLS-SRTP) that counts the channel's RTP packets; `talk` signs talkers in,
 * produces an Opus track on a real send transport, takes the floor and sends Opus packets every 20 ms for as
 * long as the process lives (heartbeats keep the floor; a lost floor is asked for again). `mark` starts a
 * measuring window, `report` ends it with the window's loss, jitter and packet counts, `stop` closes everything
 * and exits.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cleanup as closeNativePeers, initLogger } from 'node-datachannel';
import type { JoinResult, TransportOptions } from '@squelch/protocol';
import { BotClient } from '../../e2e/support/botClient';
import { oggPackets } from '../../packages/server/test/support/oggTools';
import { createPeerCertificate, ListeningPeer, TalkingPeer } from './rtcPeer';
import type { PeerCertificate } from './rtcPeer';

export interface LoadMember {
  token: string;
  channelId: string;
}

export type LoadCommand =
  | { type: 'listen'; url: string; members: LoadMember[]; concurrency: number }
  | { type: 'talk'; url: string; members: LoadMember[]; opusFile: string }
  | { type: 'mark' }
  | { type: 'report' }
  | { type: 'stop' };

export interface WindowReport {
  type: 'report';
  seconds: number;
  /** Listeners measured (connected before the window began). */
  listeners: number;
  /** RTP packets received in the window, over all listeners. */
  received: number;
  /** Packets the listeners should have received in the window (extended sequence numbers advanced). */
  expected: number;
  /** Listeners that missed at least one packet in the window. */
  lossyListeners: number;
  /** Listeners that received nothing in the window. */
  silentListeners: number;
  /** RFC 3550 interarrival jitter of each listener at the window's end, in ms. */
  jitterMs: number[];
  /** Packets the talkers handed to their send transports in the window. */
  sent: number;
  /** Floors taken again after the server took one away (talkers). */
  regrants: number;
  /** This process's event-loop delay in the window (p99 and max), ms. */
  loopP99Ms: number;
  loopMaxMs: number;
}

export type LoadEvent =
  | { type: 'listening'; connected: number; failed: number; errors: string[]; seconds: number }
  | { type: 'talking'; talkers: number; failed: number; errors: string[] }
  | { type: 'marked' }
  | WindowReport;

const PTIME_MS = 20;
const SAMPLES_PER_PACKET = 960;
/** Any one step of a sign-in or connection (generous: the machine is usually shared and loaded). */
const STEP_TIMEOUT_MS = 30_000;

interface Listener {
  bot: BotClient;
  peer: ListeningPeer;
  markReceived: number;
  markSeq: number;
}

interface Talker {
  bot: BotClient;
  peer: TalkingPeer;
  channelId: string;
  seq: number;
  timestamp: number;
  sent: number;
  heartbeat: NodeJS.Timeout;
}

// libdatachannel's own log on stderr, for a run that goes wrong (Verbose, Debug, Info, Warning, Error).
const nativeLog = process.env.CAPACITY_PEER_LOG;
if (nativeLog === 'Verbose' || nativeLog === 'Debug' || nativeLog === 'Info' || nativeLog === 'Warning') {
  initLogger(nativeLog, (level, message) => console.error(`[${process.pid} ${level}] ${message}`));
}

/** One DTLS certificate for all of this process's peers (a browser also uses one for many connections). */
const certificateDir = mkdtempSync(path.join(os.tmpdir(), 'squelch-bench-peer-'));
let peerCertificate: PeerCertificate | undefined;
function certificate(): PeerCertificate {
  peerCertificate ??= createPeerCertificate(certificateDir);
  return peerCertificate;
}

const listeners: Listener[] = [];
const talkers: Talker[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let markedAt = performance.now();
let markSent = 0;
let regrants = 0;
let sendTimer: NodeJS.Timeout | undefined;

function send(event: LoadEvent): void {
  process.send?.(event);
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${STEP_TIMEOUT_MS} ms`)),
      STEP_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `work` over `items` with at most `limit` in flight; collects the failures' messages. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<string[]> {
  const errors: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item).catch((error: unknown) => {
          errors.push(error instanceof Error ? error.message : String(error));
        });
      }
    }),
  );
  return errors;
}

function summarise(errors: string[]): string[] {
  const counts = new Map<string, number>();
  for (const error of errors) counts.set(error.slice(0, 160), (counts.get(error.slice(0, 160)) ?? 0) + 1);
  return [...counts].slice(0, 5).map(([message, count]) => `${message} ×${count}`);
}

async function addListener(url: string, member: LoadMember): Promise<void> {
  const bot = await withTimeout(
    BotClient.connect(url, member.token, { producer: false, requestTimeoutMs: STEP_TIMEOUT_MS }),
    'sign-in',
  );
  bot.socket.discard = (frame) => typeof frame.notification === 'string';
  let peer: ListeningPeer | undefined;
  try {
    const joined: JoinResult = await withTimeout(bot.join(member.channelId), 'join');
    const transport = bot.recvTransport;
    if (transport === undefined) throw new Error('no receive transport');
    peer = new ListeningPeer(`listener-${listeners.length}`, certificate());
    // As mediasoup-client does: the server's transport is connected before ICE and DTLS start.
    await withTimeout(
      bot.call('connectTransport', { transportId: transport.id, dtlsParameters: peer.dtlsParameters }),
      'connectTransport',
    );
    await peer.answer(transport, joined.consumer);
    await peer.connected(STEP_TIMEOUT_MS);
    listeners.push({ bot, peer, markReceived: 0, markSeq: -1 });
  } catch (error) {
    peer?.close();
    bot.close();
    throw error;
  }
}

async function listen(url: string, members: LoadMember[], concurrency: number): Promise<void> {
  const started = performance.now();
  const before = listeners.length;
  // As a person's app would, a listener that could not connect tries again (twice at most).
  const errors = await pool(members, concurrency, async (member) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await addListener(url, member);
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  });
  send({
    type: 'listening',
    connected: listeners.length - before,
    failed: errors.length,
    errors: summarise(errors),
    seconds: (performance.now() - started) / 1000,
  });
}

async function press(talker: Talker): Promise<void> {
  const answer = await talker.bot.press(talker.channelId);
  if (!answer.granted) throw new Error(`floor not granted: ${answer.reason}`);
}

async function addTalker(url: string, member: LoadMember): Promise<void> {
  const bot = await withTimeout(
    BotClient.connect(url, member.token, { producer: false, requestTimeoutMs: STEP_TIMEOUT_MS }),
    'sign-in',
  );
  let peer: TalkingPeer | undefined;
  try {
    const session = bot.session!;
    const caps = session.routerRtpCapabilities as {
      codecs: { mimeType: string; preferredPayloadType: number; parameters?: Record<string, unknown> }[];
    };
    const opus = caps.codecs.find((codec) => codec.mimeType.toLowerCase() === 'audio/opus');
    if (opus === undefined) throw new Error('the server offers no Opus');
    const parameters = opus.parameters ?? {};
    await withTimeout(bot.join(member.channelId), 'join');
    const transport = (await withTimeout(
      bot.call('createTransport', { direction: 'send' }),
      'createTransport',
    )) as TransportOptions;
    const offered = await TalkingPeer.offer(
      `talker-${talkers.length}`,
      certificate(),
      opus.preferredPayloadType,
      randomInt(1, 2 ** 31),
      parameters,
    );
    peer = offered.peer;
    await withTimeout(
      bot.call('connectTransport', { transportId: transport.id, dtlsParameters: offered.dtlsParameters }),
      'connectTransport',
    );
    await withTimeout(
      bot.call('produce', { transportId: transport.id, kind: 'audio', rtpParameters: offered.rtpParameters }),
      'produce',
    );
    await peer.accept(transport, parameters, STEP_TIMEOUT_MS);
    const talker: Talker = {
      bot,
      peer,
      channelId: member.channelId,
      seq: randomInt(0, 0x10000),
      timestamp: randomInt(0, 2 ** 32),
      sent: 0,
      heartbeat: setInterval(() => {
        bot.call('floor.heartbeat', { channelId: member.channelId }).catch(() => {
          // The floor was lost (revoked or expired): ask for it again.
          regrants += 1;
          press(talker).catch(() => undefined);
        });
      }, session.floor.heartbeatIntervalMs),
    };
    bot.socket.discard = (frame) => {
      if (frame.notification === 'floorRevoked') {
        regrants += 1;
        setTimeout(() => void press(talker).catch(() => undefined), 50);
      }
      return typeof frame.notification === 'string';
    };
    try {
      await withTimeout(press(talker), 'floor.request');
    } catch (error) {
      clearInterval(talker.heartbeat);
      throw error;
    }
    talkers.push(talker);
  } catch (error) {
    peer?.close();
    bot.close();
    throw error;
  }
}

async function talk(url: string, members: LoadMember[], opusFile: string): Promise<void> {
  // Whole Opus packets of the file; the first two are the Ogg Opus headers.
  const packets = oggPackets(await fs.readFile(opusFile)).slice(2);
  if (packets.length === 0) throw new Error(`no Opus packets in ${opusFile}`);
  // A talker that could not start (a step timed out on a loaded machine) gets two more attempts.
  const errors = await pool(members, 4, async (member) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await addTalker(url, member);
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  });
  // Every talker sends a packet per 20 ms of the clock: a timer that fires late sends what is due at once, as
  // a browser's audio thread would after a stall, so that the talkers' rate does not sag under load.
  const started = performance.now();
  let due = 0;
  sendTimer = setInterval(() => {
    const now = Math.floor((performance.now() - started) / PTIME_MS);
    for (; due < now; due += 1) {
      const payload = packets[due % packets.length]!;
      for (const talker of talkers) {
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header[1] = talker.peer.payloadType;
        header.writeUInt16BE(talker.seq & 0xffff, 2);
        header.writeUInt32BE(talker.timestamp >>> 0, 4);
        header.writeUInt32BE(talker.peer.ssrc, 8);
        talker.seq += 1;
        talker.timestamp += SAMPLES_PER_PACKET;
        if (talker.peer.send(Buffer.concat([header, payload]))) talker.sent += 1;
      }
    }
  }, 5);
  send({ type: 'talking', talkers: talkers.length, failed: errors.length, errors: summarise(errors) });
}

function mark(): void {
  for (const listener of listeners) {
    listener.markReceived = listener.peer.counters.received;
    listener.markSeq = listener.peer.counters.highestSeq;
  }
  markSent = talkers.reduce((sum, talker) => sum + talker.sent, 0);
  regrants = 0;
  loop.reset();
  markedAt = performance.now();
  send({ type: 'marked' });
}

function report(): void {
  let received = 0;
  let expected = 0;
  let lossyListeners = 0;
  let silentListeners = 0;
  const jitterMs: number[] = [];
  for (const listener of listeners) {
    const counters = listener.peer.counters;
    if (listener.markSeq < 0) continue; // connected during the window
    const got = counters.received - listener.markReceived;
    const should = counters.highestSeq - listener.markSeq;
    received += got;
    expected += should;
    if (got < should) lossyListeners += 1;
    if (got === 0) silentListeners += 1;
    jitterMs.push(counters.jitter / 48);
  }
  send({
    type: 'report',
    seconds: (performance.now() - markedAt) / 1000,
    listeners: jitterMs.length,
    received,
    expected,
    lossyListeners,
    silentListeners,
    jitterMs,
    sent: talkers.reduce((sum, talker) => sum + talker.sent, 0) - markSent,
    regrants,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
  });
}

function stop(): void {
  if (sendTimer !== undefined) clearInterval(sendTimer);
  for (const talker of talkers) {
    clearInterval(talker.heartbeat);
    talker.peer.close();
    talker.bot.close();
  }
  for (const listener of listeners) {
    listener.peer.close();
    listener.bot.close();
  }
  closeNativePeers();
  rmSync(certificateDir, { recursive: true, force: true });
  process.exit(0);
}

process.on('message', (command: LoadCommand) => {
  const failed = (error: unknown): void => {
    console.error(error);
    process.exit(1);
  };
  switch (command.type) {
    case 'listen':
      listen(command.url, command.members, command.concurrency).catch(failed);
      break;
    case 'talk':
      talk(command.url, command.members, command.opusFile).catch(failed);
      break;
    case 'mark':
      mark();
      break;
    case 'report':
      report();
      break;
    case 'stop':
      stop();
      break;
  }
});
// The parent went away without saying stop: do not outlive it.
process.on('disconnect', stop);
