import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from '../../packages/server/src/controlplane/ControlPlane';
import type { Actor } from '../../packages/server/src/controlplane/types';
import { startPostgresServer } from '../../packages/server/test/support/postgresServer';
import type { PostgresServerHandle } from '../../packages/server/test/support/postgresServer';
import { startRedisServer } from '../../packages/server/test/support/redisServer';
import type { RedisServerHandle } from '../../packages/server/test/support/redisServer';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { httpsGet } from '../support/httpsGet';
import { LabPage } from '../support/labPage';
import { freePort } from '../../packages/server/test/support/freePort';
import { startNodeProcess } from '../support/floorNodeProcess';
import type { NodeProcess } from '../support/floorNodeProcess';

const JWT_SECRET = 'failover-test-secret-failover-test-secret';
const HASHING = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };

/**
 * Two real Squelch server processes sharing one PostgreSQL and one Redis. Clients know both addresses; when
 * one process is stopped with SIGTERM, its clients carry on with the other.
 */
describe('two server instances', () => {
  let postgres: PostgresServerHandle;
  let redis: RedisServerHandle;
  let controlPlane: ControlPlane;
  let first: NodeProcess;
  let second: NodeProcess;
  let browser: TestBrowser;
  const tokens: Record<string, string> = {};
  let channelId: string;

  beforeAll(async () => {
    postgres = await startPostgresServer();
    redis = await startRedisServer();
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
    const actor: Actor = {
      userId: adminSession.user.id,
      displayName: adminSession.user.displayName,
      isAdmin: true,
    };
    const services = controlPlane.services;
    const event = await services.events.create(actor, { name: 'Failover' });
    const team = await services.teams.create(actor, event.id, 'Ops');
    channelId = (await services.channels.create(actor, team.id, 'Gate')).id;
    for (const name of ['Alice', 'Bob']) {
      const email = `${name.toLowerCase()}@failover.test`;
      const user = await services.users.create(actor, {
        email,
        displayName: name,
        password: 'failover-password',
      });
      await services.memberships.setRole(actor, event.id, user.id, 'general');
      await services.assignments.assign(actor, channelId, user.id);
      tokens[name] = (await auth.login(email, 'failover-password', '127.0.0.1')).accessToken;
    }
    // Pages load from one node and open their socket on the other: each node lists both origins.
    const ports = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      SQUELCH_JWT_SECRET: JWT_SECRET,
      SQUELCH_ALLOWED_ORIGINS: ports.map((port) => `https://127.0.0.1:${port}`).join(','),
    };
    first = await startNodeProcess({
      env: { ...env, SQUELCH_NODE_ID: 'first', SQUELCH_PORT: String(ports[0]) },
    });
    second = await startNodeProcess({
      env: { ...env, SQUELCH_NODE_ID: 'second', SQUELCH_PORT: String(ports[1]) },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await first?.stop('SIGKILL');
    await second?.stop('SIGKILL');
    await controlPlane?.close();
    await redis?.stop();
    await postgres?.stop();
  });

  it('clients of an instance stopped with SIGTERM continue on the other one', async () => {
    const urls = [
      `${first.url.replace('https://', 'wss://')}/ws`,
      `${second.url.replace('https://', 'wss://')}/ws`,
    ];
    // The pages come from the instance that stays up; their signalling starts on the first one.
    const alice = new LabPage(await browser.page(`${second.url}/lab.html`));
    const bob = new LabPage(await browser.page(`${second.url}/lab.html`));
    await alice.connect(tokens.Alice!, { rawMicrophone: true, urls });
    await alice.enableMicrophone();
    await alice.join(channelId);
    await bob.connect(tokens.Bob!, { rawMicrophone: true, urls });
    await bob.join(channelId);
    expect(await alice.page.evaluate(() => window.lab.client()?.url)).toBe(urls[0]);
    expect((await alice.press(channelId)).granted).toBe(true);
    expect(await bob.waitForLevel(channelId, 'above', 0.05, 3000)).not.toBeNull();

    const stoppedAt = Date.now();
    expect(await first.stop('SIGTERM')).toBe(0);
    await alice.waitForState('connected', 15_000);
    await bob.waitForState('connected', 15_000);
    expect(await alice.page.evaluate(() => window.lab.client()?.url)).toBe(urls[1]);
    expect(await bob.page.evaluate(() => window.lab.client()?.url)).toBe(urls[1]);
    // The floor held on the stopped instance was released; Alice presses again on the other one.
    await expect.poll(async () => (await alice.press(channelId)).granted, { timeout: 10_000 }).toBe(true);
    expect(await bob.waitForLevel(channelId, 'above', 0.05, 5000)).not.toBeNull();
    const heard = await bob.measure(channelId, 500);
    expect(Math.abs(heard.peakHz - 1000)).toBeLessThanOrEqual(50);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    await alice.release(channelId);
  });

  it('/readyz turns red while Redis is down and green after it is back', async () => {
    const ready = async (): Promise<{ status: number; floorStore: boolean }> => {
      const { status, text } = await httpsGet(`${second.url}/readyz`);
      return {
        status,
        floorStore: (JSON.parse(text) as { checks: { floorStore: boolean } }).checks.floorStore,
      };
    };
    expect(await ready()).toEqual({ status: 200, floorStore: true });
    await redis.stop();
    await expect.poll(ready, { timeout: 10_000, interval: 200 }).toEqual({ status: 503, floorStore: false });
    await redis.restart();
    await expect.poll(ready, { timeout: 15_000, interval: 200 }).toEqual({ status: 200, floorStore: true });
  });
});
