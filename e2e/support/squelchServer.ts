import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Squelch } from '../../packages/server/src/app/Squelch';
import { loadConfig } from '../../packages/server/src/config';
import type { Actor } from '../../packages/server/src/controlplane/types';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface TestUser {
  id: string;
  email: string;
  displayName: string;
  password: string;
}

/** Sign-in of an administrator, for a node that joins a database another node has seeded. */
export interface AdminCredentials {
  email: string;
  password: string;
}

export interface TestServer {
  squelch: Squelch;
  url: string;
  /** The administrator this node's helpers act as (pass it to further nodes sharing the database). */
  admin: AdminCredentials;
  /** A fresh access token for the user. */
  token(user: TestUser): Promise<string>;
  /** Creates an event with one team and the named channels; returns channel ids by name. */
  createChannels(names: string[]): Promise<{ eventId: string; channels: Record<string, string> }>;
  /** Creates a user with a role in the event (General by default), assigned to the given channels. */
  createUser(
    displayName: string,
    eventId: string,
    channelIds: string[],
    role?: 'general' | 'dispatch',
  ): Promise<TestUser>;
  assign(channelId: string, userId: string): Promise<void>;
  unassign(channelId: string, userId: string): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Starts a real Squelch node in this process: PGlite in a temporary directory (or the given PostgreSQL),
 * real mediasoup workers, HTTPS on a free loopback port, the in-process floor store (or the given Redis).
 * Without `admin` the node seeds the demo data into its empty database and acts as the seeded administrator;
 * with `admin` it joins a database that already has users (another node's) and acts as that administrator.
 */
export async function startTestServer(
  options: { env?: Record<string, string>; workers?: number; admin?: AdminCredentials } = {},
): Promise<TestServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-e2e-'));
  const config = loadConfig(
    {
      SQUELCH_HOST: '127.0.0.1',
      SQUELCH_PORT: '0',
      SQUELCH_DATA_DIR: dataDir,
      SQUELCH_WEB_ROOT: path.join(REPO_ROOT, 'packages/web/dist'),
      SQUELCH_MEDIA_WORKERS: String(options.workers ?? 2),
      SQUELCH_RTC_LISTEN_IP: '127.0.0.1',
      SQUELCH_LOG_LEVEL: process.env.SQUELCH_TEST_LOG_LEVEL ?? 'warn',
      // The tests drive the hand-test page (lab.html).
      SQUELCH_DEV_PAGES: 'true',
      // The demo seed is how a first node gets its administrator, on PostgreSQL too.
      SQUELCH_SEED_DEMO: options.admin === undefined ? 'true' : 'false',
      ...options.env,
    },
    REPO_ROOT,
  );
  const logger = pino({ level: config.logLevel });
  const squelch = await Squelch.start(config, logger, {
    passwordHashing: { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 },
  });
  const accounts = squelch.seededAccounts ?? [];
  const adminAccount = options.admin ?? accounts.find((account) => account.role === 'admin');
  if (adminAccount === undefined) {
    await squelch.close();
    throw new Error('The demo seed did not create an admin');
  }
  const auth = squelch.controlPlane.services.auth;
  const adminSession = await auth.login(adminAccount.email, adminAccount.password, '127.0.0.1');
  const admin: Actor = {
    userId: adminSession.user.id,
    displayName: adminSession.user.displayName,
    isAdmin: true,
  };
  const services = squelch.controlPlane.services;

  return {
    squelch,
    url: squelch.url,
    admin: { email: adminAccount.email, password: adminAccount.password },
    async token(user) {
      return (await auth.login(user.email, user.password, '127.0.0.1')).accessToken;
    },
    async createChannels(names) {
      counter += 1;
      const event = await services.events.create(admin, { name: `Test event ${counter}` });
      const team = await services.teams.create(admin, event.id, 'Security');
      const channels: Record<string, string> = {};
      for (const name of names) channels[name] = (await services.channels.create(admin, team.id, name)).id;
      return { eventId: event.id, channels };
    },
    async createUser(displayName, eventId, channelIds, role = 'general') {
      counter += 1;
      const email = `user${counter}-${Date.now()}@test.squelch`;
      const password = `pw-${counter}-${Math.random().toString(36).slice(2)}`;
      const user = await services.users.create(admin, { email, displayName, password });
      await services.memberships.setRole(admin, eventId, user.id, role);
      for (const channelId of channelIds) await services.assignments.assign(admin, channelId, user.id);
      return { id: user.id, email, displayName, password };
    },
    async assign(channelId, userId) {
      await services.assignments.assign(admin, channelId, userId);
    },
    async unassign(channelId, userId) {
      await services.assignments.unassign(admin, channelId, userId);
    },
    async stop() {
      await squelch.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
