/**
 * Soak: a real Squelch server process under churn for a configurable time, sampled for memory and live
 * objects. Prints the samples and the growth after warm-up.
 *
 *   npx tsx bench/soak.ts                                   (60 s, 40 bots, 2 talking browsers)
 *   SOAK_SECONDS=43200 SOAK_SAMPLE_SECONDS=300 npx tsx bench/soak.ts     (a 12-hour shift)
 *
 * Load, all on 127.0.0.1: signalling bots (real sessions with server-side transports, a producer and
 * consumers; no media) connect and disconnect, join and leave channels and take and release floors at random;
 * two headless Chromium pages exchange real audio on one channel in talk turns (3 s on, 1 s off), so the RTP
 * relay, talk gates and stream rewriting run all along. The server is its own process (what `./squelch start`
 * runs) with PostgreSQL; its RSS is read from /proc and the rest from its /metrics. The run stops by itself.
 */
import fs from 'node:fs/promises';
import pino from 'pino';
import { ControlPlane } from '../packages/server/src/controlplane/ControlPlane';
import type { Actor } from '../packages/server/src/controlplane/types';
import { startPostgresServer } from '../packages/server/test/support/postgresServer';
import { BotClient } from '../e2e/support/botClient';
import { launchChromium } from '../e2e/support/browser';
import { httpsGet } from '../e2e/support/httpsGet';
import { LabPage } from '../e2e/support/labPage';
import { startNodeProcess } from '../e2e/support/floorNodeProcess';
import { metricSum } from './lib/stats';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? Math.max(5, Math.round(SECONDS / 12)));
const BOTS = Number(process.env.SOAK_BOTS ?? 40);
const CHANNELS = Number(process.env.SOAK_CHANNELS ?? 6);
/** Access-token lifetime (default the server's 15 minutes); shorter to see bots renew theirs in a short run. */
const TOKEN_TTL_SECONDS = Number(process.env.SOAK_TOKEN_TTL_SECONDS ?? 900);
const WARMUP_FRACTION = 0.25;
const JWT_SECRET = 'soak-benchmark-secret-soak-benchmark-secret';

interface Sample {
  atS: number;
  rssMb: number;
  heapMb: number;
  workerRssMb: number;
  sessions: number;
  transports: number;
  consumers: number;
  streams: number;
}

async function rssOf(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function main(): Promise<void> {
  const postgres = await startPostgresServer();
  const databaseUrl = await postgres.createDatabase();
  const controlPlane = await ControlPlane.open({
    database: { kind: 'postgres', url: databaseUrl },
    auth: {
      jwtSecret: JWT_SECRET,
      accessTokenTtlSec: TOKEN_TTL_SECONDS,
      passwordHashing: { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 },
    },
    logger: pino({ level: 'warn' }),
  });
  const server = await startNodeProcess({
    env: {
      DATABASE_URL: databaseUrl,
      SQUELCH_JWT_SECRET: JWT_SECRET,
      SQUELCH_MEDIA_WORKERS: '2',
      // The bots send no audio; the silent-holder watch would revoke their longer turns.
      SQUELCH_FLOOR_MEDIA_TIMEOUT_MS: '0',
      SQUELCH_FLOOR_MAX_DURATION_MS: String(Math.max(60_000, SECONDS * 2000)),
    },
  });
  const browser = await launchChromium();
  const bots = new Map<number, BotClient>();
  let stopping = false;
  try {
    // People and channels.
    const accounts = await controlPlane.seedDemoIfEmpty();
    const admin = accounts?.find((account) => account.role === 'admin');
    if (admin === undefined) throw new Error('no admin seeded');
    const auth = controlPlane.services.auth;
    const adminSession = await auth.login(admin.email, admin.password, '127.0.0.1');
    const actor: Actor = { userId: adminSession.user.id, displayName: 'Admin', isAdmin: true };
    const services = controlPlane.services;
    const event = await services.events.create(actor, { name: 'Soak' });
    const team = await services.teams.create(actor, event.id, 'Crew');
    const channels: string[] = [];
    for (let i = 0; i < CHANNELS; i += 1)
      channels.push((await services.channels.create(actor, team.id, `C${i}`)).id);
    const PASSWORD = 'soak-bot-talks-all-night';
    const login = (email: string) => auth.login(email, PASSWORD, '127.0.0.1');
    const createPerson = async (name: string): Promise<string> => {
      const email = `${name}@soak.test`;
      const user = await services.users.create(actor, { email, displayName: name, password: PASSWORD });
      await services.memberships.setRole(actor, event.id, user.id, 'general');
      for (const channelId of channels) await services.assignments.assign(actor, channelId, user.id);
      return email;
    };
    const tokenFor = async (name: string): Promise<string> =>
      (await login(await createPerson(name))).accessToken;
    // Access tokens live 15 minutes: a bot that reconnects signs in again when its token is near its end, so a
    // shift-long soak (SOAK_SECONDS=43200) keeps its bots instead of losing them to expired tokens.
    const botEmails: string[] = [];
    for (let i = 0; i < BOTS; i += 1) botEmails.push(await createPerson(`bot${i}`));
    const botTokens = new Map<number, { token: string; expiresAt: number }>();
    let tokenRenewals = 0;
    const botToken = async (index: number): Promise<string> => {
      const cached = botTokens.get(index);
      if (cached !== undefined && Date.now() < cached.expiresAt - Math.min(60, TOKEN_TTL_SECONDS / 4) * 1000)
        return cached.token;
      const session = await login(botEmails[index]!);
      if (cached !== undefined) tokenRenewals += 1;
      botTokens.set(index, { token: session.accessToken, expiresAt: Date.now() + session.expiresIn * 1000 });
      return session.accessToken;
    };

    // Two browsers talking on channel 0 in turns.
    const talker = new LabPage(await browser.page(`${server.url}/lab.html`));
    const listener = new LabPage(await browser.page(`${server.url}/lab.html`));
    await talker.connect(await tokenFor('talker'));
    await talker.enableMicrophone();
    await talker.join(channels[0]!);
    await listener.connect(await tokenFor('listener'));
    await listener.join(channels[0]!);
    const talkLoop = (async () => {
      while (!stopping) {
        await talker.press(channels[0]!);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await talker.release(channels[0]!);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();

    // Bots churning.
    let actions = 0;
    let failures = 0;
    const failureKinds = new Map<string, number>();
    // One action at a time per bot, so two loops never connect the same bot twice.
    const busy = new Set<number>();
    const act = async (index: number): Promise<void> => {
      if (busy.has(index)) return;
      busy.add(index);
      try {
        await actOn(index);
      } finally {
        busy.delete(index);
      }
    };
    const actOn = async (index: number): Promise<void> => {
      const bot = bots.get(index);
      if (bot === undefined) {
        const created = await BotClient.connect(server.url, await botToken(index));
        created.socket.discard = (frame) => 'notification' in frame;
        bots.set(index, created);
        return;
      }
      const roll = Math.random();
      const channelId = pick(channels);
      if (roll < 0.1) {
        bots.delete(index);
        bot.close();
      } else if (roll < 0.45) {
        await bot.join(channelId);
      } else if (roll < 0.6) {
        await bot.call('leave', { channelId });
      } else {
        const result = await bot.press(channelId).catch(() => undefined);
        if (result?.granted === true) {
          await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800));
          await bot.release(channelId).catch(() => undefined);
        }
      }
    };
    const churnLoops = Array.from({ length: 8 }, async () => {
      while (!stopping) {
        actions += 1;
        await act(Math.floor(Math.random() * BOTS)).catch((error: unknown) => {
          failures += 1;
          const message = error instanceof Error ? error.message : String(error);
          failureKinds.set(message.slice(0, 80), (failureKinds.get(message.slice(0, 80)) ?? 0) + 1);
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    // Sampling.
    const samples: Sample[] = [];
    const started = Date.now();
    const sample = async (): Promise<Sample> => {
      const { text } = await httpsGet(`${server.url}/metrics`);
      return {
        atS: Math.round((Date.now() - started) / 1000),
        rssMb: mb(await rssOf(server.pid)),
        heapMb: mb(metricSum(text, 'squelch_nodejs_heap_size_used_bytes')),
        workerRssMb: mb(metricSum(text, 'squelch_media_worker_resident_memory_bytes')),
        sessions: metricSum(text, 'squelch_sessions'),
        transports: metricSum(text, 'squelch_transports'),
        consumers: metricSum(text, 'squelch_consumers'),
        streams: metricSum(text, 'squelch_channel_streams'),
      };
    };
    console.log(
      `soak: ${SECONDS} s, ${BOTS} bots over ${CHANNELS} channels, 2 browsers talking; sample every ${SAMPLE_SECONDS} s`,
    );
    console.log('  t(s)  server RSS MB  heap MB  workers RSS MB  sessions  transports  consumers  streams');
    const print = (s: Sample): void =>
      console.log(
        `${String(s.atS).padStart(6)}  ${String(s.rssMb).padStart(13)}  ${String(s.heapMb).padStart(7)}  ${String(s.workerRssMb).padStart(14)}  ${String(s.sessions).padStart(8)}  ${String(s.transports).padStart(10)}  ${String(s.consumers).padStart(9)}  ${String(s.streams).padStart(7)}`,
      );
    while (Date.now() - started < SECONDS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_SECONDS * 1000));
      const s = await sample();
      samples.push(s);
      print(s);
    }
    stopping = true;
    await Promise.all([talkLoop, ...churnLoops]);
    await talker.release(channels[0]!);

    // Everyone leaves: live objects must return to what the two browsers hold.
    for (const bot of bots.values()) bot.close();
    bots.clear();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const after = await sample();
    console.log('after all bots disconnected (+20 s; bots wait 15 s to be resumed):');
    print(after);

    const warm = samples.filter((s) => s.atS >= SECONDS * WARMUP_FRACTION);
    const half = Math.max(1, Math.floor(warm.length / 2));
    const mean = (items: Sample[], key: keyof Sample): number =>
      items.reduce((sum, s) => sum + s[key], 0) / Math.max(1, items.length);
    const early = warm.slice(0, half);
    const late = warm.slice(-half);
    const hours = Math.max(1e-9, (mean(late, 'atS') - mean(early, 'atS')) / 3600);
    for (const key of ['rssMb', 'heapMb', 'workerRssMb'] as const) {
      const growth = mean(late, key) - mean(early, key);
      console.log(
        `growth after warm-up, ${key.padEnd(11)}: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (${((growth / Math.max(1e-9, mean(early, key))) * 100).toFixed(1)} %), ${(growth / hours).toFixed(1)} MB/h extrapolated`,
      );
    }
    console.log(`bot actions ${actions}, failed ${failures}`, Object.fromEntries(failureKinds));
    console.log(`bot access tokens renewed: ${tokenRenewals} (token lifetime ${TOKEN_TTL_SECONDS} s)`);
    console.log(
      `live objects after the churn: ${after.sessions} sessions, ${after.transports} transports, ${after.consumers} consumers, ${after.streams} streams (the 2 browsers hold 2 sessions, 3 transports, 2 consumers, 1 stream)`,
    );
  } finally {
    stopping = true;
    for (const bot of bots.values()) bot.close();
    await browser.close();
    await server.stop('SIGTERM');
    await controlPlane.close();
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
