import Fastify from 'fastify';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Actor } from '../../packages/server/src/controlplane/types';
import { registerTones } from '../../packages/server/src/http/tones';
import type { TestServer, TestUser } from './squelchServer';

const BUILTIN_TONES = path.resolve(import.meta.dirname, '../../packages/server/assets/tones');

let counter = 0;

async function adminActor(server: TestServer): Promise<Actor> {
  const account = server.squelch.seededAccounts?.find((candidate) => candidate.role === 'admin');
  if (account === undefined) throw new Error('The demo seed did not create an admin');
  const session = await server.squelch.controlPlane.services.auth.login(
    account.email,
    account.password,
    '127.0.0.1',
  );
  return { userId: session.user.id, displayName: session.user.displayName, isAdmin: true };
}

/** Creates a dispatcher of the event (sees and may use every channel of it). */
export async function createDispatcher(
  server: TestServer,
  displayName: string,
  eventId: string,
): Promise<TestUser> {
  const admin = await adminActor(server);
  const services = server.squelch.controlPlane.services;
  counter += 1;
  const email = `dispatch${counter}-${Date.now()}@test.squelch`;
  const password = `pw-d${counter}-${Math.random().toString(36).slice(2)}`;
  const user = await services.users.create(admin, { email, displayName, password });
  await services.memberships.setRole(admin, eventId, user.id, 'dispatch');
  return { id: user.id, email, displayName, password };
}

/** Closes every signalling socket of a user with a "reconnect" close code, as a network drop would. */
export function dropConnections(server: TestServer, userId: string): number {
  let dropped = 0;
  for (const session of server.squelch.signalling.registry.all()) {
    if (session.identity.userId !== userId || session.connection === undefined) continue;
    session.connection.close(4001, 'test: connection dropped');
    dropped += 1;
  }
  return dropped;
}

/**
 * Makes /tones/* answer in the browser context. When the server under test already serves them (registerTones
 * wired into the server), nothing is changed; otherwise the context's requests for /tones/* are answered by
 * registerTones on a stand-alone Fastify instance with the built-in tones, so the app loads the real files.
 * Returns whether the server serves the tones itself.
 */
export async function ensureTones(server: TestServer, context: BrowserContext): Promise<boolean> {
  const probe = await fetchInsecure(`${server.url}/tones/manifest.json`);
  if (probe) return true;
  const app = Fastify();
  registerTones(app, { tonesDir: undefined, builtinDir: BUILTIN_TONES });
  await app.ready();
  await context.route(`${server.url}/tones/**`, async (route) => {
    const url = new URL(route.request().url());
    const answer = await app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    await route.fulfill({
      status: answer.statusCode,
      headers: Object.fromEntries(
        Object.entries(answer.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      ),
      body: answer.rawPayload,
    });
  });
  context.once('close', () => void app.close());
  return false;
}

async function fetchInsecure(url: string): Promise<boolean> {
  const https = await import('node:https');
  return new Promise((resolve) => {
    const request = https.get(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      const type = response.headers['content-type'] ?? '';
      resolve(response.statusCode === 200 && type.includes('json'));
    });
    request.on('error', () => resolve(false));
  });
}
