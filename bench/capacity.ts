/**
 * How many listeners one server node carries: N listeners on ONE node, each a real WebRTC client (its own
 * signalling session, ICE, DTLS-SRTP; RTP received and counted), spread over several channels that each carry
 * an active talker, for N = 250, 500, 1000, 2000, … until the listeners lose ≥ 0.5 % of the packets, the
 * server saturates, the load generator saturates, or the steps or the time run out.
 *
 * Processes, all on 127.0.0.1: a PostgreSQL server; the Squelch node (what `./squelch start` runs) with its
 * mediasoup workers; one talker process and `--generators` listener processes (bench/lib/capacityLoad.ts,
 * libdatachannel peers through node-datachannel). Listeners sign in with tokens issued by the control plane
 * (`--sessions-per-user` sessions share one account, so that creating accounts does not dominate the run; each
 * session still has its own socket, transport and consumer), join their channel and consume it through the
 * server's ordinary paths; talkers produce Opus (real packets of
 * a 1 kHz tone, 20 ms, 32 kbit/s CBR), hold the floor and send every 20 ms.
 *
 * Per N, over a window of `--seconds` after `--settle` seconds: the server's CPU (the node process and its
 * mediasoup workers, from /proc), its RSS, its event-loop delay (p99 and max, from /metrics), the loss (gaps
 * in the sequence numbers) and RFC 3550 jitter seen by the listeners, UDP datagrams dropped by full socket
 * buffers (generator and server), and the load generator's own CPU, reported apart.
 *
 * With `--pin` (default when the machine has 2 CPUs or more) the server and its workers are bound to the
 * first CPU and the generator processes to the others (taskset), so the server's figures are per core. Other
 * processes on the machine are not kept off either CPU.
 *
 *   npx tsx bench/capacity.ts [--steps 250,500,1000,2000,4000,8000] [--channels 8] [--seconds 10]
 *                             [--settle 3] [--generators 2] [--pin auto|on|off] [--workers N]
 *                             [--sessions-per-user 20] [--max-minutes 20]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ControlPlane } from '../packages/server/src/controlplane/ControlPlane';
import type { Actor } from '../packages/server/src/controlplane/types';
import { startPostgresServer } from '../packages/server/test/support/postgresServer';
import { startNodeProcess } from '../e2e/support/floorNodeProcess';
import type { NodeProcess } from '../e2e/support/floorNodeProcess';
import { httpsGet } from '../e2e/support/httpsGet';
import type { LoadMember, WindowReport } from './lib/capacityLoad';
import { childPids, cpuSeconds, pin, rssBytes, udpDrops } from './lib/procStats';
import { cleanupStack } from './lib/cleanupStack';
import { writeToneOpus } from './lib/toneOpus';
import { LoadProcess } from './lib/loadProcess';
import { metricSum, percentile } from './lib/stats';
import { Table } from './lib/table';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '250,500,1000,2000,4000,8000' },
    channels: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '10' },
    settle: { type: 'string', default: '3' },
    generators: { type: 'string', default: '2' },
    pin: { type: 'string', default: 'auto' },
    workers: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    'sessions-per-user': { type: 'string', default: '20' },
    'max-minutes': { type: 'string', default: '20' },
  },
});
const STEPS = values.steps.split(',').map(Number);
const CHANNELS = Number(values.channels);
const WINDOW_S = Number(values.seconds);
const SETTLE_S = Number(values.settle);
const GENERATORS = Number(values.generators);
const CONCURRENCY = Number(values.concurrency);
/** Listener sessions per user account (each its own signalling session, transport and consumer). */
const SESSIONS_PER_USER = Number(values['sessions-per-user']);
const MAX_MS = Number(values['max-minutes']) * 60_000;
const CPUS = os.availableParallelism();
const PIN = values.pin === 'on' || (values.pin === 'auto' && CPUS >= 2);
const SERVER_CPUS = PIN ? '0' : `0-${CPUS - 1}`;
const GENERATOR_CPUS = PIN ? `1-${CPUS - 1}` : SERVER_CPUS;
const SERVER_CORES = PIN ? 1 : CPUS;
const GENERATOR_CORES = PIN ? CPUS - 1 : CPUS;
const WORKERS = Number(values.workers ?? SERVER_CORES);
/** The bar: at most this fraction of packets lost. */
const LOSS_LIMIT = 0.005;
/** A process group using this share of its CPUs is saturated. */
const SATURATED = 0.9;
const CHEAP_HASHING = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const LOAD_SCRIPT = path.join(import.meta.dirname, 'lib/capacityLoad.ts');
/** Load processes run on the generator's CPUs when pinned. */
const loadCpus = PIN ? GENERATOR_CPUS : undefined;

if (
  ![...STEPS, CHANNELS, WINDOW_S, GENERATORS, CONCURRENCY, MAX_MS, WORKERS, SESSIONS_PER_USER].every(
    (n) => Number.isInteger(n) && n > 0,
  ) ||
  !Number.isInteger(SETTLE_S) ||
  SETTLE_S < 0
) {
  throw new Error(
    '--steps, --channels, --seconds, --generators, --workers, --max-minutes: positive integers',
  );
}
if (SESSIONS_PER_USER > 1000) throw new Error("--sessions-per-user is at most 1000 (the server's bound)");
if (!['auto', 'on', 'off'].includes(values.pin)) throw new Error('--pin is auto, on or off');
if (PIN && CPUS < 2) throw new Error('--pin on needs at least 2 CPUs');
if (STEPS.some((n, i) => i > 0 && n <= STEPS[i - 1]!)) throw new Error('--steps must grow');

interface Snapshot {
  at: number;
  serverCpu: number;
  workersCpu: number;
  generatorCpu: number;
  generatorDrops: number;
  serverDrops: number;
}

const mib = (bytes: number): number => bytes / 2 ** 20;

async function main(): Promise<void> {
  const started = Date.now();
  const since = (): string => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const { push, cleanup } = cleanupStack();
  const cleanups = { push };
  // The whole run is bounded: past the budget plus a margin for the step under way, stop regardless.
  const hardStop = setTimeout(() => {
    console.error(`still running after ${values['max-minutes']} minutes + 3; stopping everything`);
    void cleanup().then(() => process.exit(2));
  }, MAX_MS + 180_000);
  cleanups.push(() => clearTimeout(hardStop));

  try {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-bench-capacity-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const opusFile = writeToneOpus(dir);

    const postgres = await startPostgresServer();
    cleanups.push(() => postgres.stop());
    const databaseUrl = await postgres.createDatabase();
    const jwtSecret = randomBytes(32).toString('base64url');
    const controlPlane = await ControlPlane.open({
      database: { kind: 'postgres', url: databaseUrl },
      // Sign-ins made early are used for sessions opened later in the run.
      auth: { jwtSecret, passwordHashing: CHEAP_HASHING, accessTokenTtlSec: 3600 },
      logger: pino({ level: 'error' }),
    });
    cleanups.push(() => controlPlane.close());
    const password = `bench-${randomBytes(6).toString('hex')}`;
    const adminView = await controlPlane.bootstrapAdmin({
      email: 'bench-admin@bench.squelch',
      displayName: 'Bench Admin',
      password,
    });
    if (adminView === null) throw new Error('the fresh database already had users');
    const admin: Actor = { userId: adminView.id, displayName: adminView.displayName, isAdmin: true };
    const { services } = controlPlane;
    const event = await services.events.create(admin, { name: 'Capacity bench' });
    const team = await services.teams.create(admin, event.id, 'Bench team');
    const channelIds: string[] = [];
    for (let index = 0; index < CHANNELS; index += 1) {
      channelIds.push((await services.channels.create(admin, team.id, `Channel ${index + 1}`)).id);
    }
    let users = 0;
    /** Creates a general user assigned to the channel and signs them in; returns the access token. */
    const person = async (channelId: string): Promise<string> => {
      const index = users++;
      const email = `bench${index}@bench.squelch`;
      const user = await services.users.create(admin, { email, displayName: `Bench ${index}`, password });
      await services.memberships.setRole(admin, event.id, user.id, 'general');
      await services.assignments.assign(admin, channelId, user.id);
      return (await services.auth.login(email, password, '127.0.0.1')).accessToken;
    };
    /** Runs `work` for 0..count-1, 8 at a time. */
    const eight = async (count: number, work: (index: number) => Promise<void>): Promise<void> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < count) await work(next++);
        }),
      );
    };
    const talkerMembers: LoadMember[] = [];
    await eight(CHANNELS, async (index) => {
      talkerMembers[index] = { token: await person(channelIds[index]!), channelId: channelIds[index]! };
    });
    /** Sign-ins of listener users with sessions still to open, per channel. */
    const seats = new Map<string, { token: string; left: number }[]>(channelIds.map((id) => [id, []]));
    /** A signed-in listener for each channel given (users are created as their seats run out). */
    const listenersFor = async (channels: string[]): Promise<LoadMember[]> => {
      const wanted = new Map<string, number>();
      for (const channelId of channels) wanted.set(channelId, (wanted.get(channelId) ?? 0) + 1);
      const creations: string[] = [];
      for (const [channelId, count] of wanted) {
        const free = seats.get(channelId)!.reduce((sum, seat) => sum + seat.left, 0);
        for (let i = 0; i < Math.ceil(Math.max(0, count - free) / SESSIONS_PER_USER); i += 1) {
          creations.push(channelId);
        }
      }
      await eight(creations.length, async (index) => {
        const channelId = creations[index]!;
        seats.get(channelId)!.push({ token: await person(channelId), left: SESSIONS_PER_USER });
      });
      return channels.map((channelId) => {
        const seat = seats.get(channelId)!.find((entry) => entry.left > 0)!;
        seat.left -= 1;
        return { token: seat.token, channelId };
      });
    };

    const server: NodeProcess = await startNodeProcess({
      env: {
        DATABASE_URL: databaseUrl,
        SQUELCH_JWT_SECRET: jwtSecret,
        SQUELCH_NODE_ID: 'bench-capacity',
        SQUELCH_MEDIA_WORKERS: String(WORKERS),
        // Every listener connects from 127.0.0.1.
        SQUELCH_MAX_SOCKETS_PER_ADDRESS: '100000',
        SQUELCH_MAX_SESSIONS_PER_USER: String(SESSIONS_PER_USER),
        // The talkers hold their floors for the whole run.
        SQUELCH_FLOOR_MAX_DURATION_MS: String(24 * 3600 * 1000),
      },
    });
    cleanups.push(async () => {
      await server.stop('SIGTERM');
    });
    const workerPids = await childPids(server.pid);
    const serverPids = [server.pid, ...workerPids];
    if (PIN) for (const pid of serverPids) pin(pid, SERVER_CPUS);
    console.log(
      `server pid ${server.pid} with ${workerPids.length} mediasoup worker(s) (pids ${workerPids.join(', ')}) on ` +
        `CPU ${SERVER_CPUS}; load generator on CPU ${GENERATOR_CPUS}${PIN ? '' : ' (not pinned: both share all CPUs)'}; ` +
        `${CPUS} CPUs, load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} (${since()})`,
    );

    const talkerProcess = LoadProcess.start('talker process', LOAD_SCRIPT, loadCpus);
    const generators = Array.from({ length: GENERATORS }, (_, i) =>
      LoadProcess.start(`listener process ${i + 1}`, LOAD_SCRIPT, loadCpus),
    );
    const loads = [talkerProcess, ...generators];
    cleanups.push(() => Promise.all(loads.map((load) => load.stop())).then(() => undefined));
    talkerProcess.send({ type: 'talk', url: server.url, members: talkerMembers, opusFile });
    const talking = await talkerProcess.next('talking', 120_000);
    if (talking.talkers !== CHANNELS) {
      throw new Error(`only ${talking.talkers} of ${CHANNELS} talkers started: ${talking.errors.join('; ')}`);
    }
    console.log(`${CHANNELS} talkers hold their channels and send Opus every 20 ms (${since()})`);

    const snapshot = async (): Promise<Snapshot> => {
      const workers = await Promise.all(workerPids.map((pid) => cpuSeconds(pid)));
      const generatorCpu = await Promise.all(loads.map((load) => cpuSeconds(load.pid)));
      const own = process.cpuUsage();
      return {
        at: performance.now(),
        serverCpu: await cpuSeconds(server.pid),
        workersCpu: workers.reduce((a, b) => a + b, 0),
        generatorCpu: generatorCpu.reduce((a, b) => a + b, 0) + (own.user + own.system) / 1e6,
        generatorDrops: await udpDrops(loads.map((load) => load.pid)),
        serverDrops: await udpDrops(serverPids),
      };
    };

    console.log('');
    console.log(
      `Listeners on one node, ${CHANNELS} channels each with a talker; window ${WINDOW_S} s after ${SETTLE_S} s; ` +
        `CPU in % of one core; server = node process + ${workerPids.length} mediasoup worker(s) on ${SERVER_CORES} core(s)`,
    );
    const table = new Table([
      ['N', 'lst.', 6],
      ['consumers', 'on node', 9],
      ['server', 'CPU %', 7],
      ['node', 'CPU %', 6],
      ['workers', 'CPU %', 7],
      ['µs CPU/s', 'per lst.', 8],
      ['loss', '%', 6],
      ['lossy', 'lst.', 5],
      ['silent', 'lst.', 6],
      ['jitter', 'p50 ms', 6],
      ['jitter', 'p95 ms', 6],
      ['jitter', 'max ms', 6],
      ['loop lag', 'p99 ms', 8],
      ['loop lag', 'max ms', 8],
      ['RSS MiB', 'node', 7],
      ['RSS MiB', 'workers', 7],
      ['gen.', 'CPU %', 6],
      ['gen. lag', 'p99 ms', 8],
      ['drops', 'gen.', 6],
      ['drops', 'server', 6],
      ['connect', 's', 7],
    ]);
    table.header();

    interface Row {
      n: number;
      serverCpu: number;
      loss: number;
      ok: boolean;
    }
    const rows: Row[] = [];
    let stopReason = `all steps done (${STEPS.join(', ')})`;
    let connected = 0;
    for (const n of STEPS) {
      if (Date.now() - started > MAX_MS) {
        stopReason = `time budget of ${values['max-minutes']} minutes used`;
        break;
      }
      const newcomers = n - connected;
      const members = await listenersFor(
        Array.from({ length: newcomers }, (_, i) => channelIds[(connected + i) % CHANNELS]!),
      );
      const connectStarted = performance.now();
      generators.forEach((generator, g) => {
        generator.send({
          type: 'listen',
          url: server.url,
          members: members.filter((_member, i) => i % GENERATORS === g),
          concurrency: CONCURRENCY,
        });
      });
      const answers = await Promise.all(generators.map((generator) => generator.next('listening', 600_000)));
      const connectSeconds = (performance.now() - connectStarted) / 1000;
      const failed = answers.reduce((sum, answer) => sum + answer.failed, 0);
      connected += answers.reduce((sum, answer) => sum + answer.connected, 0);
      if (failed > 0) {
        console.log(
          `  ${failed} of ${newcomers} listeners failed to connect: ${answers.flatMap((a) => a.errors).join('; ')}`,
        );
      }

      await new Promise((resolve) => setTimeout(resolve, SETTLE_S * 1000));
      await httpsGet(`${server.url}/metrics`); // starts the event-loop delay window
      const before = await snapshot();
      for (const load of loads) load.send({ type: 'mark' });
      await Promise.all(loads.map((load) => load.next('marked', 30_000)));
      await new Promise((resolve) => setTimeout(resolve, WINDOW_S * 1000));
      for (const load of loads) load.send({ type: 'report' });
      const reports: WindowReport[] = await Promise.all(loads.map((load) => load.next('report', 30_000)));
      const after = await snapshot();
      const { text } = await httpsGet(`${server.url}/metrics`);
      const rss = await Promise.all(serverPids.map((pid) => rssBytes(pid)));

      const wall = (after.at - before.at) / 1000;
      const nodePct = ((after.serverCpu - before.serverCpu) / wall) * 100;
      const workersPct = ((after.workersCpu - before.workersCpu) / wall) * 100;
      const serverPct = nodePct + workersPct;
      const generatorPct = ((after.generatorCpu - before.generatorCpu) / wall) * 100;
      const listenerReports = reports.slice(1);
      const received = listenerReports.reduce((sum, r) => sum + r.received, 0);
      const expected = listenerReports.reduce((sum, r) => sum + r.expected, 0);
      const measured = listenerReports.reduce((sum, r) => sum + r.listeners, 0);
      const loss = expected > 0 ? Math.max(0, expected - received) / expected : 1;
      const jitter = listenerReports.flatMap((r) => r.jitterMs).sort((a, b) => a - b);
      const generatorLag = Math.max(...reports.map((r) => r.loopP99Ms));
      const lagP99 = metricSum(text, 'squelch_nodejs_eventloop_lag_p99_seconds') * 1000;
      const lagMax = metricSum(text, 'squelch_nodejs_eventloop_lag_max_seconds') * 1000;
      const serverSaturated = serverPct >= SATURATED * SERVER_CORES * 100;
      const generatorSaturated = generatorPct >= SATURATED * GENERATOR_CORES * 100;
      table.row([
        n,
        metricSum(text, 'squelch_consumers'),
        serverPct.toFixed(1),
        nodePct.toFixed(1),
        workersPct.toFixed(1),
        (((serverPct / 100) * 1e6) / Math.max(1, measured)).toFixed(1),
        (loss * 100).toFixed(3),
        listenerReports.reduce((sum, r) => sum + r.lossyListeners, 0),
        listenerReports.reduce((sum, r) => sum + r.silentListeners, 0),
        percentile(jitter, 50).toFixed(2),
        percentile(jitter, 95).toFixed(2),
        percentile(jitter, 100).toFixed(2),
        lagP99.toFixed(1),
        lagMax.toFixed(1),
        mib(rss[0]!).toFixed(0),
        mib(rss.slice(1).reduce((a, b) => a + b, 0)).toFixed(0),
        generatorPct.toFixed(1),
        generatorLag.toFixed(1),
        after.generatorDrops - before.generatorDrops,
        after.serverDrops - before.serverDrops,
        connectSeconds.toFixed(0),
      ]);
      const talkerReport = reports[0]!;
      if (talkerReport.regrants > 0 || talkerReport.sent < ((CHANNELS * (wall * 1000)) / 20) * 0.97) {
        console.log(
          `        talkers sent ${talkerReport.sent} packets in the window (${CHANNELS} × ${(wall / 0.02).toFixed(0)} due); ` +
            `floors taken again: ${talkerReport.regrants}`,
        );
      }
      const ok = loss < LOSS_LIMIT && failed === 0 && measured === n;
      rows.push({ n, serverCpu: serverPct, loss, ok });
      if (measured !== n) {
        stopReason = `only ${measured} of ${n} listeners were connected and measured`;
        break;
      }
      if (loss >= LOSS_LIMIT) {
        stopReason = `loss ${(loss * 100).toFixed(2)} % ≥ 0.5 % at N = ${n}`;
        break;
      }
      if (serverSaturated) {
        stopReason = `server saturated at N = ${n} (${serverPct.toFixed(0)} % of ${SERVER_CORES} core(s))`;
        break;
      }
      if (generatorSaturated) {
        stopReason = `load generator saturated at N = ${n} (${generatorPct.toFixed(0)} % of ${GENERATOR_CORES} core(s)); the figures past this measure the generator`;
        break;
      }
    }

    console.log('');
    console.log(
      `stopped: ${stopReason} (${since()}); load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const good = rows.filter((row) => row.ok);
    const best = good.at(-1);
    if (best === undefined) {
      console.log('no step kept the loss under 0.5 %');
      process.exitCode = 1;
    } else {
      console.log(
        `largest N with loss < 0.5 %: ${best.n} listeners on ${SERVER_CORES} server core(s) = ` +
          `${(best.n / SERVER_CORES).toFixed(0)} per core, server CPU ${best.serverCpu.toFixed(0)} % of one core ` +
          `(target ≥ 2000 per core)`,
      );
      if (good.length >= 2) {
        const [a, b] = [good.at(-2)!, best];
        const perListener = ((b.serverCpu - a.serverCpu) / 100 / (b.n - a.n)) * 1e6;
        console.log(
          `server CPU per added listener between N = ${a.n} and ${b.n}: ${perListener.toFixed(1)} µs per second ` +
            `→ about ${(1e6 / perListener).toFixed(0)} listeners per fully used core (extrapolated, not measured)`,
        );
      }
    }
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
