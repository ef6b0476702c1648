import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from '../../packages/server/src/controlplane/ControlPlane';
import type { Actor } from '../../packages/server/src/controlplane/types';
import { startPostgresServer } from '../../packages/server/test/support/postgresServer';
import type { PostgresServerHandle } from '../../packages/server/test/support/postgresServer';
import { startRedisServer } from '../../packages/server/test/support/redisServer';
import type { RedisServerHandle } from '../../packages/server/test/support/redisServer';
import { apiRequest } from '../support/apiRequest';
import { BotClient } from '../support/botClient';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { httpsGet } from '../support/httpsGet';
import { LabPage } from '../support/labPage';
import { startNodeProcess } from '../support/floorNodeProcess';
import type { NodeProcess } from '../support/floorNodeProcess';
import { startRedisProxy } from '../support/redisProxy';
import type { RedisProxy } from '../support/redisProxy';

const JWT_SECRET = 'database-down-test-secret-database-down-test';
const HASHING = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
/** Short, so that the outage below lasts several lock lifetimes (a heartbeat every second). */
const FLOOR_TTL_MS = 3000;
/** Short, so that a lost removal is caught within seconds. */
const RECONCILE_MS = 2000;
const OUTAGE_MS = 3 * FLOOR_TTL_MS;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('the request was not refused');
}

/**
 * Two real Squelch node processes on one real PostgreSQL and one real Redis. Channel rights are kept in memory,
 * so the database going away stops management, not talking; and a removal whose bus message is lost still
 * takes effect, through the periodic reconciliation.
 */
describe('channel rights without the database', () => {
  let postgres: PostgresServerHandle;
  let redis: RedisServerHandle;
  let proxy: RedisProxy;
  let controlPlane: ControlPlane;
  let first: NodeProcess;
  let second: NodeProcess;
  let browser: TestBrowser;
  let adminToken: string;
  const tokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  const channels: Record<string, string> = {};
  const bots: BotClient[] = [];

  const assignment = (channel: string, user: string, method: 'PUT' | 'DELETE') =>
    apiRequest(`${first.url}/api/channels/${channels[channel]}/members/${userIds[user]}`, {
      method,
      token: adminToken,
    });

  beforeAll(async () => {
    postgres = await startPostgresServer();
    redis = await startRedisServer();
    proxy = await startRedisProxy(redis.url);
    const databaseUrl = await postgres.createDatabase();
    controlPlane = await ControlPlane.open({
      database: { kind: 'postgres', url: databaseUrl },
      auth: { jwtSecret: JWT_SECRET, passwordHashing: HASHING },
      logger: pino({ level: 'warn' }),
    });
    const accounts = await controlPlane.seedDemoIfEmpty();
    const admin = accounts?.find((account) => account.role === 'admin');
    if (admin === undefined) throw new Error('no admin seeded');
    const auth = controlPlane.services.auth;
    const adminSession = await auth.login(admin.email, admin.password, '127.0.0.1');
    adminToken = adminSession.accessToken;
    const actor: Actor = {
      userId: adminSession.user.id,
      displayName: adminSession.user.displayName,
      isAdmin: true,
    };
    const services = controlPlane.services;
    const event = await services.events.create(actor, { name: 'Outage' });
    const team = await services.teams.create(actor, event.id, 'Ops');
    for (const name of ['Gate', 'North', 'Spare']) {
      channels[name] = (await services.channels.create(actor, team.id, name)).id;
    }
    const people: Record<string, string[]> = {
      Alice: ['Gate'],
      Bob: ['Gate'],
      Eve: ['Gate'],
      Carol: ['North', 'Spare'],
      Dave: ['North'],
    };
    for (const [name, assigned] of Object.entries(people)) {
      const email = `${name.toLowerCase()}@outage.test`;
      const user = await services.users.create(actor, {
        email,
        displayName: name,
        password: 'outage-password',
      });
      userIds[name] = user.id;
      await services.memberships.setRole(actor, event.id, user.id, 'general');
      for (const channel of assigned) await services.assignments.assign(actor, channels[channel]!, user.id);
      tokens[name] = (await auth.login(email, 'outage-password', '127.0.0.1')).accessToken;
    }
    await controlPlane.close();
    const env = {
      DATABASE_URL: databaseUrl,
      SQUELCH_JWT_SECRET: JWT_SECRET,
      SQUELCH_FLOOR_TTL_MS: String(FLOOR_TTL_MS),
      SQUELCH_FLOOR_MEDIA_TIMEOUT_MS: '0',
      SQUELCH_ACCESS_RECONCILE_MS: String(RECONCILE_MS),
    };
    first = await startNodeProcess({ env: { ...env, REDIS_URL: redis.url, SQUELCH_NODE_ID: 'first' } });
    // The second node reaches Redis through a proxy that can lose what Redis sends it.
    second = await startNodeProcess({ env: { ...env, REDIS_URL: proxy.url, SQUELCH_NODE_ID: 'second' } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const bot of bots) bot.close();
    await browser?.close();
    await first?.stop('SIGKILL');
    await second?.stop('SIGKILL');
    await proxy?.close();
    await redis?.stop();
    await postgres?.stop();
  });

  it('keeps talking while PostgreSQL is stopped, refuses changes clearly, and is as before after it is back', async () => {
    // Media does not cross nodes yet: the talker and the listener share one node; the bots use both.
    const alice = new LabPage(await browser.page(`${first.url}/lab.html`));
    const bob = new LabPage(await browser.page(`${first.url}/lab.html`));
    await alice.connect(tokens.Alice!);
    await alice.enableMicrophone();
    await alice.join(channels.Gate!);
    await bob.connect(tokens.Bob!);
    await bob.join(channels.Gate!);
    const carol = await BotClient.connect(second.url, tokens.Carol!);
    const dave = await BotClient.connect(first.url, tokens.Dave!);
    bots.push(carol, dave);
    await carol.join(channels.North!);
    await dave.join(channels.North!);

    expect((await alice.press(channels.Gate!)).granted).toBe(true);
    expect(await bob.waitForLevel(channels.Gate!, 'above', 0.05, 5000)).not.toBeNull();

    await postgres.halt();

    // Presses by assigned people, on both nodes, are granted without the database.
    const carolPress = await carol.press(channels.North!);
    expect(carolPress.granted).toBe(true);
    expect(await dave.press(channels.North!)).toMatchObject({ granted: false, reason: 'busy' });
    await carol.release(channels.North!);
    expect((await dave.press(channels.North!)).granted).toBe(true);
    await dave.release(channels.North!);
    // A channel known from the session's start is joined from memory.
    expect((await carol.join(channels.Spare!)).channelId).toBe(channels.Spare);
    // One not known cannot be checked: unavailable, with a sentence.
    const unknownJoin = await refusal(carol.join(channels.Gate!));
    expect(unknownJoin.code).toBe('unavailable');
    expect(unknownJoin.message).toMatch(/database is unreachable/);

    // A management change is refused with a clear error.
    const change = await assignment('Gate', 'Carol', 'PUT');
    expect(change.status).toBe(503);
    const body = change.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toMatch(/database is unreachable/);

    // Several lock lifetimes (heartbeats) and reconciliation rounds later, Bob still hears Alice.
    await sleep(OUTAGE_MS);
    const heard = await bob.measure(channels.Gate!, 500);
    expect(heard.rms).toBeGreaterThan(0.05);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);

    await postgres.resume();
    // The pools reconnect by themselves: the refused change now goes through, and the rest is as before.
    await expect
      .poll(async () => (await assignment('Gate', 'Carol', 'PUT')).status, { timeout: 15_000 })
      .toBe(204);
    expect((await carol.join(channels.Gate!)).channelId).toBe(channels.Gate);
    expect((await carol.press(channels.North!)).granted).toBe(true);
    await carol.release(channels.North!);
    expect((await httpsGet(`${first.url}/readyz`)).status).toBe(200);
    expect((await httpsGet(`${second.url}/readyz`)).status).toBe(200);
    expect((await bob.measure(channels.Gate!, 500)).rms).toBeGreaterThan(0.05);
    // A removal after the outage acts at once, as before it.
    expect((await assignment('Gate', 'Carol', 'DELETE')).status).toBe(204);
    await carol.notification('channelAccessRevoked', (data) => data.channelId === channels.Gate, 5000);
    await alice.release(channels.Gate!);
    expect(await bob.waitForLevel(channels.Gate!, 'below', 0.01, 3000)).not.toBeNull();
  });

  it('takes a channel away within the reconciliation period when its removal message is lost', async () => {
    // The talk and its listeners are on the second node; the removal is made on the first.
    const alice = new LabPage(await browser.page(`${second.url}/lab.html`));
    const eve = new LabPage(await browser.page(`${second.url}/lab.html`));
    const bob = new LabPage(await browser.page(`${second.url}/lab.html`));
    await alice.connect(tokens.Alice!);
    await alice.enableMicrophone();
    await alice.join(channels.Gate!);
    for (const [page, name] of [
      [eve, 'Eve'],
      [bob, 'Bob'],
    ] as const) {
      await page.connect(tokens[name]!);
      await page.join(channels.Gate!);
    }
    await expect
      .poll(async () => (await alice.press(channels.Gate!)).granted, { timeout: 10_000 })
      .toBe(true);
    expect(await eve.waitForLevel(channels.Gate!, 'above', 0.05, 5000)).not.toBeNull();

    // The removal is made on the first node; its bus message reaches Redis and is lost on the way to the second.
    proxy.dropContaining('access-removed');
    const droppedBefore = proxy.dropped;
    const removedAt = Date.now();
    expect((await assignment('Gate', 'Eve', 'DELETE')).status).toBe(204);
    const silentAfter = await eve.waitForLevel(channels.Gate!, 'below', 0.01, RECONCILE_MS + 5000);
    const elapsed = Date.now() - removedAt;
    proxy.dropContaining(null);
    expect(proxy.dropped).toBeGreaterThan(droppedBefore);
    expect(silentAfter).not.toBeNull();
    // Within one period plus the time a run and the page's level meter take (measured ≈ 0.2–2.5 s after it).
    expect(elapsed).toBeLessThanOrEqual(RECONCILE_MS + 5000);
    // Only Eve lost the channel: Bob, on the same node, still hears Alice.
    expect((await bob.measure(channels.Gate!, 500)).rms).toBeGreaterThan(0.05);
    // And Eve cannot come back to it.
    const rejoin = await eve.page.evaluate(async (id) => {
      try {
        await window.lab.request('join', { channelId: id });
        return 'joined';
      } catch (error) {
        return String(error);
      }
    }, channels.Gate!);
    expect(rejoin).toMatch(/not assigned/);
    await alice.release(channels.Gate!);
  });
});
