/**
 * Floor control end to end across server nodes: press → granted round trip measured at the client, and press →
 * floorTaken seen by a member of the channel on the other node, with many signalling sessions connected.
 *
 * Starts a real redis-server, a real PostgreSQL and `--nodes` Squelch nodes, each its own Node process (as in a
 * deployment; none of it shares an event loop with the clients measuring), all on 127.0.0.1. Creates the
 * users here, through the control plane with cheap password hashing, connects `--sessions` signalling-only
 * bots spread over the nodes and `--channels` channels (every channel has members on every node), then runs
 * `--presses` presses per phase, a phase per entry of `--parallel` (channels at a time: `1,10` runs one press at a
 * time, then ten at a time, on the same deployment). Per press: the press is granted, a member on another
 * node is told floorTaken, a second press by someone on another node is answered busy with the holder's name,
 * the holder releases and the other member is told floorIdle. Then `--preemptions` pre-emptions, one at a
 * time: a general user on node 1 holds a channel, a dispatcher on node 2 presses; measured are the
 * dispatcher's press → granted, press → floorRevoked 'preempted' at the general user (their node closes the talk
 * gate just before sending it) and press → floorTaken at a member on node 1. Then, with real audio (headless
 * Chromium lab pages on a channel of their own, see lib/floorMedia.ts): `--media-rounds` pre-emptions as a
 * listener on each node hears them (press → the general user's tone gone → the dispatcher's tone heard) and
 * `--silent-rounds` silent holders (a talker's page stops sending RTP: the channel idle at each listener after
 * the last packet it received). Prints p50 / p99 / max and counts, then stops everything it started (also on
 * failure or Ctrl-C).
 *
 *   npx tsx bench/floor.ts [--sessions 1000] [--channels 100] [--presses 2000] [--parallel 1,10] [--nodes 2]
 *                          [--preemptions 300] [--media-rounds 50] [--silent-rounds 30]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { FloorRequestResult } from '@squelch/protocol';
import { ControlPlane } from '../packages/server/src/controlplane/ControlPlane';
import type { Actor } from '../packages/server/src/controlplane/types';
import { startPostgresServer } from '../packages/server/test/support/postgresServer';
import type { PostgresServerHandle } from '../packages/server/test/support/postgresServer';
import { startRedisServer } from '../packages/server/test/support/redisServer';
import type { RedisServerHandle } from '../packages/server/test/support/redisServer';
import { BotClient } from '../e2e/support/botClient';
import { startNodeProcess } from '../e2e/support/floorNodeProcess';
import type { NodeProcess } from '../e2e/support/floorNodeProcess';
import { runMediaRounds } from './lib/floorMedia';
import { describe as describeServerTimes, scrape } from './lib/serverTimes';
import { cleanupStack } from './lib/cleanupStack';
import { percentile } from './lib/stats';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000' },
    channels: { type: 'string', default: '100' },
    presses: { type: 'string', default: '2000' },
    parallel: { type: 'string', default: '1,10' },
    nodes: { type: 'string', default: '2' },
    batch: { type: 'string', default: '50' },
    preemptions: { type: 'string', default: '300' },
    'media-rounds': { type: 'string', default: '50' },
    'silent-rounds': { type: 'string', default: '30' },
  },
});
const SESSIONS = Number(values.sessions);
const CHANNELS = Number(values.channels);
const PRESSES = Number(values.presses);
const PHASES = values.parallel.split(',').map(Number);
const NODES = Number(values.nodes);
const BATCH = Number(values.batch);
const PREEMPTIONS = Number(values.preemptions);
const MEDIA_ROUNDS = Number(values['media-rounds']);
const SILENT_ROUNDS = Number(values['silent-rounds']);
/** The nodes' silent-holder timeout (their default). */
const MEDIA_TIMEOUT_MS = 2000;
/** Pre-emptions rotate over this many channels, where the dispatchers are assigned. */
const PREEMPT_CHANNELS = 10;
/** Any single awaited step that takes longer than this counts as a failure of that press. */
const STEP_TIMEOUT_MS = 10_000;
const CHEAP_HASHING = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };

if (![SESSIONS, CHANNELS, PRESSES, ...PHASES, NODES, BATCH].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error('every option must be a positive integer');
}
if (NODES < 2 || SESSIONS < CHANNELS * NODES) {
  throw new Error('need at least 2 nodes and as many sessions per channel as nodes');
}
if (PHASES.some((parallel) => parallel > CHANNELS)) throw new Error('--parallel cannot exceed --channels');
if (![PREEMPTIONS, MEDIA_ROUNDS, SILENT_ROUNDS].every((n) => Number.isInteger(n) && n >= 0)) {
  throw new Error('--preemptions, --media-rounds and --silent-rounds must be whole numbers (0 skips)');
}

/** A bot whose notifications are dropped on arrival, except those a press is waiting for (timestamped). */
class Member {
  readonly #waiters = new Map<string, (at: number) => void>();

  constructor(
    readonly bot: BotClient,
    readonly node: number,
    readonly displayName: string,
  ) {
    bot.socket.discard = (frame) => {
      if (typeof frame.notification !== 'string') return false;
      const data = frame.data as { channelId?: unknown };
      const key = `${frame.notification}:${String(data.channelId)}`;
      const waiter = this.#waiters.get(key);
      if (waiter !== undefined) {
        this.#waiters.delete(key);
        waiter(performance.now());
      }
      return true;
    };
  }

  /** Resolves with the arrival time (performance.now()) of the next such notification for the channel. */
  next(notification: 'floorTaken' | 'floorIdle' | 'floorRevoked', channelId: string): Promise<number> {
    const key = `${notification}:${channelId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        reject(new Error(`no ${notification} within ${STEP_TIMEOUT_MS} ms`));
      }, STEP_TIMEOUT_MS);
      this.#waiters.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }
}

interface Samples {
  granted: number[];
  takenElsewhere: number[];
  busy: number[];
  failures: Map<string, number>;
}

function report(name: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (ms: number): string => `${ms.toFixed(2)} ms`.padStart(10);
  console.log(
    `${name.padEnd(52)} n=${String(sorted.length).padStart(5)}  p50 ${fmt(percentile(sorted, 50))}  ` +
      `p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1) ?? Number.NaN)}`,
  );
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

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

/** One press on one channel, start to finish; adds to `samples`. */
async function pressOnce(
  channelId: string,
  members: Member[],
  turn: number,
  samples: Samples,
): Promise<void> {
  const presser = members[turn % members.length]!;
  const elsewhere = members.filter((member) => member.node !== presser.node);
  const observer = elsewhere[turn % elsewhere.length]!;
  const rival = elsewhere[(turn + 1) % elsewhere.length]!;
  const fail = (what: string): void => {
    samples.failures.set(what, (samples.failures.get(what) ?? 0) + 1);
  };

  const taken = observer.next('floorTaken', channelId);
  const idle = observer.next('floorIdle', channelId);
  taken.catch(() => undefined);
  idle.catch(() => undefined);
  const pressedAt = performance.now();
  let answer: FloorRequestResult;
  try {
    answer = await withTimeout(presser.bot.press(channelId), 'press');
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return;
  }
  if (!answer.granted) {
    fail(`press not granted (${answer.reason})`);
    return;
  }
  samples.granted.push(performance.now() - pressedAt);
  try {
    samples.takenElsewhere.push((await taken) - pressedAt);
  } catch {
    fail('floorTaken not seen on the other node');
  }
  const rivalAt = performance.now();
  try {
    const denied = await withTimeout(rival.bot.press(channelId), 'rival press');
    if (!denied.granted && denied.reason === 'busy' && denied.holder?.displayName === presser.displayName) {
      samples.busy.push(performance.now() - rivalAt);
    } else {
      fail(`rival press answered ${JSON.stringify(denied)}`);
      if (denied.granted) await rival.bot.release(channelId);
    }
    const released = await withTimeout(presser.bot.release(channelId), 'release');
    if (!released.released) fail('release answered released: false');
    await idle;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

interface PreemptionSamples {
  granted: number[];
  revoked: number[];
  takenElsewhere: number[];
  failures: Map<string, number>;
}

/** A general user on node 1 holds the channel; the dispatcher on node 2 presses and takes it over. */
async function preemptOnce(
  channelId: string,
  holder: Member,
  observer: Member,
  dispatcher: Member,
  samples: PreemptionSamples,
): Promise<void> {
  const fail = (what: string): void => {
    samples.failures.set(what, (samples.failures.get(what) ?? 0) + 1);
  };
  try {
    const held = await withTimeout(holder.bot.press(channelId), 'holder press');
    if (!held.granted) {
      fail(`holder press answered ${held.reason}`);
      return;
    }
    // The holder's own grant notification may still be on its way to the observer: let it pass first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const revoked = holder.next('floorRevoked', channelId);
    const taken = observer.next('floorTaken', channelId);
    revoked.catch(() => undefined);
    taken.catch(() => undefined);
    const pressedAt = performance.now();
    const answer = await withTimeout(dispatcher.bot.press(channelId), 'dispatcher press');
    if (!answer.granted) {
      fail(`dispatcher press answered ${answer.reason}`);
      await holder.bot.release(channelId);
      return;
    }
    samples.granted.push(performance.now() - pressedAt);
    samples.revoked.push((await revoked) - pressedAt);
    samples.takenElsewhere.push((await taken) - pressedAt);
    // The pre-emption itself sends the observer floorIdle (the holder's end) before floorTaken: wait for the
    // dispatcher's release only from here.
    const idle = observer.next('floorIdle', channelId);
    idle.catch(() => undefined);
    const released = await withTimeout(dispatcher.bot.release(channelId), 'dispatcher release');
    if (!released.released) fail('dispatcher release answered released: false');
    await idle;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const { push, cleanup } = cleanupStack();
  const cleanups = { push };

  try {
    const t0 = performance.now();
    const since = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    const redis: RedisServerHandle = await startRedisServer();
    cleanups.push(() => redis.stop());
    const postgres: PostgresServerHandle = await startPostgresServer();
    cleanups.push(() => postgres.stop());
    const databaseUrl = await postgres.createDatabase();
    const jwtSecret = randomBytes(32).toString('base64url');
    const logger = pino({ level: 'error' });
    const controlPlane = await ControlPlane.open({
      database: { kind: 'postgres', url: databaseUrl },
      auth: { jwtSecret, passwordHashing: CHEAP_HASHING },
      logger,
    });
    cleanups.push(() => controlPlane.close());
    console.log(`Redis and PostgreSQL up (${since()})`);

    // Users: admin, one event, one team, the channels, general users assigned round-robin by blocks.
    const password = `bench-${randomBytes(6).toString('hex')}`;
    const adminView = await controlPlane.bootstrapAdmin({
      email: 'bench-admin@bench.squelch',
      displayName: 'Bench Admin',
      password,
    });
    if (adminView === null) throw new Error('the fresh database already had users');
    const admin: Actor = { userId: adminView.id, displayName: adminView.displayName, isAdmin: true };
    const { services } = controlPlane;
    const event = await services.events.create(admin, { name: 'Floor bench' });
    const team = await services.teams.create(admin, event.id, 'Bench team');
    const channelIds = await pool(
      Array.from({ length: CHANNELS }, (_, index) => index),
      8,
      async (index) => (await services.channels.create(admin, team.id, `Channel ${index + 1}`)).id,
    );
    const perChannel = Math.floor(SESSIONS / CHANNELS);
    const channelOf = (index: number): number => Math.min(CHANNELS - 1, Math.floor(index / perChannel));
    const emails = await pool(
      Array.from({ length: SESSIONS }, (_, index) => index),
      8,
      async (index) => {
        const email = `bench${index}@bench.squelch`;
        const user = await services.users.create(admin, { email, displayName: `Bench ${index}`, password });
        await services.memberships.setRole(admin, event.id, user.id, 'general');
        await services.assignments.assign(admin, channelIds[channelOf(index)]!, user.id);
        return email;
      },
    );
    // Signed in only when connecting: on a busy machine creating the users can outlast an access token.
    const tokenOf = async (email: string): Promise<string> =>
      (await services.auth.login(email, password, '127.0.0.1')).accessToken;
    // A dispatcher for the pre-emptions, assigned to the first channels.
    const preemptChannels = channelIds.slice(0, PREEMPT_CHANNELS);
    const dispatcherUser = await services.users.create(admin, {
      email: 'dispatch@bench.squelch',
      displayName: 'Bench Dispatch',
      password,
    });
    await services.memberships.setRole(admin, event.id, dispatcherUser.id, 'dispatch');
    for (const channelId of preemptChannels) {
      await services.assignments.assign(admin, channelId, dispatcherUser.id);
    }
    // The audio rounds' people, on a channel of their own.
    const mediaChannel = (await services.channels.create(admin, team.id, 'Media')).id;
    const mediaPeople = ['general', 'dispatcher', 'listener1', 'listener2'] as const;
    for (const key of mediaPeople) {
      const email = `media-${key}@bench.squelch`;
      const user = await services.users.create(admin, { email, displayName: `Media ${key}`, password });
      await services.memberships.setRole(
        admin,
        event.id,
        user.id,
        key === 'dispatcher' ? 'dispatch' : 'general',
      );
      await services.assignments.assign(admin, mediaChannel, user.id);
    }
    console.log(`${SESSIONS} users in ${CHANNELS} channels created (${since()})`);

    const nodes: NodeProcess[] = [];
    cleanups.push(() => Promise.all(nodes.map((node) => node.stop())).then(() => undefined));
    for (let index = 0; index < NODES; index += 1) {
      nodes.push(
        await startNodeProcess({
          env: {
            DATABASE_URL: databaseUrl,
            REDIS_URL: redis.url,
            SQUELCH_JWT_SECRET: jwtSecret,
            SQUELCH_NODE_ID: `bench-node-${index + 1}`,
            SQUELCH_MEDIA_WORKERS: '1',
            // The bots send no audio: a first-packet grace longer than any bot's turn keeps the silent-holder
            // watch off them, while a browser talker whose audio stops is revoked after the usual timeout.
            SQUELCH_FLOOR_MEDIA_TIMEOUT_MS: String(MEDIA_TIMEOUT_MS),
            SQUELCH_FLOOR_FIRST_PACKET_GRACE_MS: String(STEP_TIMEOUT_MS * 3),
            // All the bench's sockets come from 127.0.0.1.
            SQUELCH_MAX_SOCKETS_PER_ADDRESS: String(SESSIONS + 100),
          },
        }),
      );
    }
    console.log(
      `${NODES} nodes ready: ${nodes.map((node) => `${node.url} (pid ${node.pid})`).join(', ')} (${since()})`,
    );

    const members: Member[] = [];
    cleanups.push(() => members.forEach((member) => member.bot.close()));
    const connectStarted = performance.now();
    for (let start = 0; start < SESSIONS; start += BATCH) {
      const batch = await Promise.all(
        emails.slice(start, start + BATCH).map(async (email, offset) => {
          const index = start + offset;
          const node = index % NODES;
          const bot = await withTimeout(BotClient.connect(nodes[node]!.url, await tokenOf(email)), 'connect');
          const member = new Member(bot, node, `Bench ${index}`);
          await withTimeout(bot.join(channelIds[channelOf(index)]!), 'join');
          return member;
        }),
      );
      members.push(...batch);
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    console.log(
      `${members.length} sessions connected and joined in ${connectSeconds.toFixed(1)} s ` +
        `(${(members.length / connectSeconds).toFixed(0)}/s) (${since()})`,
    );
    const byChannel = channelIds.map((_, channel) =>
      members.filter((_member, index) => channelOf(index) === channel),
    );

    for (const PARALLEL of PHASES) {
      const samples: Samples = { granted: [], takenElsewhere: [], busy: [], failures: new Map() };
      const serverBefore = await scrape(nodes.map((node) => node.url));
      const measureStarted = performance.now();
      let done = 0;
      for (let round = 0; done < PRESSES; round += 1) {
        const count = Math.min(PARALLEL, PRESSES - done);
        await Promise.all(
          Array.from({ length: count }, (_, slot) => {
            const channel = (round * PARALLEL + slot) % CHANNELS;
            const turn = Math.floor((round * PARALLEL + slot) / CHANNELS);
            return pressOnce(channelIds[channel]!, byChannel[channel]!, turn, samples);
          }),
        );
        done += count;
      }
      const measureSeconds = (performance.now() - measureStarted) / 1000;
      const memory = process.memoryUsage();
      const serverAfter = await scrape(nodes.map((node) => node.url));

      console.log('');
      console.log(
        `Floor control, ${NODES} nodes + Redis + PostgreSQL on 127.0.0.1, ${members.length} sessions, ` +
          `${CHANNELS} channels, ${PRESSES} presses (${PARALLEL} channels at a time) in ${measureSeconds.toFixed(1)} s`,
      );
      report('press → granted (presser)', samples.granted);
      report('press → floorTaken (member on another node)', samples.takenElsewhere);
      report('second press → busy with holder (other node)', samples.busy);
      const failures = [...samples.failures.entries()];
      console.log(
        `granted ${samples.granted.length}/${PRESSES}; failures: ` +
          (failures.length === 0 ? 'none' : failures.map(([what, n]) => `${what} ×${n}`).join('; ')),
      );
      console.log(describeServerTimes(serverBefore, serverAfter));
      console.log(`bench process rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB (clients only)`);
      if (failures.length > 0) process.exitCode = 1;
    }

    const dispatcher = new Member(
      await withTimeout(BotClient.connect(nodes[1]!.url, await tokenOf('dispatch@bench.squelch')), 'connect'),
      1,
      'Bench Dispatch',
    );
    cleanups.push(() => dispatcher.bot.close());
    for (const channelId of preemptChannels) await withTimeout(dispatcher.bot.join(channelId), 'join');
    const preemption: PreemptionSamples = {
      granted: [],
      revoked: [],
      takenElsewhere: [],
      failures: new Map(),
    };
    const preemptStarted = performance.now();
    for (let round = 0; round < PREEMPTIONS; round += 1) {
      const channel = round % preemptChannels.length;
      const onFirst = byChannel[channel]!.filter((member) => member.node === 0);
      const turn = Math.floor(round / preemptChannels.length);
      const holder = onFirst[turn % onFirst.length]!;
      const observer = onFirst[(turn + 1) % onFirst.length]!;
      await preemptOnce(preemptChannels[channel]!, holder, observer, dispatcher, preemption);
    }
    const preemptSeconds = (performance.now() - preemptStarted) / 1000;

    console.log('');
    console.log(
      `Pre-emption, one at a time: a general user on node 1 holds, a dispatcher on node 2 presses; ` +
        `${PREEMPTIONS} rounds in ${preemptSeconds.toFixed(1)} s`,
    );
    report('dispatcher press → granted', preemption.granted);
    report('dispatcher press → floorRevoked preempted (holder, node 1)', preemption.revoked);
    report('dispatcher press → floorTaken (member on node 1)', preemption.takenElsewhere);
    const preemptFailures = [...preemption.failures.entries()];
    console.log(
      `pre-empted ${preemption.granted.length}/${PREEMPTIONS}; failures: ` +
        (preemptFailures.length === 0
          ? 'none'
          : preemptFailures.map(([what, n]) => `${what} ×${n}`).join('; ')),
    );
    if (preemptFailures.length > 0) process.exitCode = 1;

    if (MEDIA_ROUNDS + SILENT_ROUNDS > 0) {
      // The bots stay connected: the audio rounds run with the same sessions on the nodes.
      const mediaStarted = performance.now();
      const media = await runMediaRounds({
        urls: [nodes[0]!.url, nodes[1]!.url],
        channelId: mediaChannel,
        tokens: {
          general: await tokenOf('media-general@bench.squelch'),
          dispatcher: await tokenOf('media-dispatcher@bench.squelch'),
          listener1: await tokenOf('media-listener1@bench.squelch'),
          listener2: await tokenOf('media-listener2@bench.squelch'),
        },
        preemptionRounds: MEDIA_ROUNDS,
        silentRounds: SILENT_ROUNDS,
        onCleanup: (step) => cleanups.push(step),
      });
      const mediaSeconds = (performance.now() - mediaStarted) / 1000;
      const { preemption, silent } = media;
      console.log('');
      console.log(
        `Pre-emption heard, real audio (Chromium): a general user on node 1 talks (440 Hz), a dispatcher on ` +
          `node 2 presses (1 kHz); a listener on each node; ${MEDIA_ROUNDS} rounds`,
      );
      report('dispatcher press → granted', preemption.granted);
      report('press → floorRevoked preempted (general user)', preemption.revoked);
      for (const [index, name] of ['node 1', 'node 2'].entries()) {
        report(`press → general user last heard (${name})`, preemption.generalGone[index as 0 | 1]);
        report(`press → dispatcher heard (listener ${name})`, preemption.dispatcherHeard[index as 0 | 1]);
        report(`switch gap: dispatcher − general (${name})`, preemption.switchGap[index as 0 | 1]);
      }
      console.log(`Silent holder, real audio: the talker's page stops sending RTP; ${SILENT_ROUNDS} rounds`);
      for (const [index, name] of ['node 1', 'node 2'].entries()) {
        report(`last packet → channel idle (listener ${name})`, silent.release[index as 0 | 1]);
      }
      const mediaFailures = [...preemption.failures.entries(), ...silent.failures.entries()];
      console.log(
        `audio rounds in ${mediaSeconds.toFixed(1)} s; failures: ` +
          (mediaFailures.length === 0
            ? 'none'
            : mediaFailures.map(([what, n]) => `${what} ×${n}`).join('; ')),
      );
      if (mediaFailures.length > 0) process.exitCode = 1;
    }
  } finally {
    await cleanup();
  }
}

main().then(
  // Everything started here is stopped by now; do not wait for stray handles (sockets closing lazily).
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
