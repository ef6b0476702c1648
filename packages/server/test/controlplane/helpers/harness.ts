import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import pino, { type Logger } from 'pino';
import { ControlPlane, type ControlPlaneAuthOptions } from '../../../src/controlplane/ControlPlane';
import type { DatabaseConfig } from '../../../src/db/Database';
import { registerApi } from '../../../src/http/api';

export const TEST_JWT_SECRET = 'test-only-jwt-secret-0123456789abcdefghijklmnop';
/** Argon2id at minimal cost: the tests are about behaviour, not hashing strength. */
export const CHEAP_HASHING = { memoryCostKiB: 64, timeCost: 1, parallelism: 1 };
export const ADMIN = { email: 'root@test.example', displayName: 'Root Admin', password: 'root-password-1' };

export const silentLogger = pino({ level: 'silent' });

/** A control plane on a fresh database with its REST API on a Fastify instance (HTTP via `inject`). */
export interface Harness {
  cp: ControlPlane;
  app: FastifyInstance;
  /** `inject` with an optional bearer token. */
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  /** Signs in and returns the access token; fails the test on a refusal. */
  login(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export async function openControlPlane(
  database: DatabaseConfig,
  auth: Partial<ControlPlaneAuthOptions> = {},
  logger: Logger = silentLogger,
): Promise<ControlPlane> {
  return ControlPlane.open({
    database,
    auth: { jwtSecret: TEST_JWT_SECRET, passwordHashing: CHEAP_HASHING, ...auth },
    logger,
  });
}

export async function openHarness(
  database: DatabaseConfig,
  auth: Partial<ControlPlaneAuthOptions> = {},
  logger: Logger = silentLogger,
): Promise<Harness> {
  const cp = await openControlPlane(database, auth, logger);
  const app = Fastify({ logger: false });
  try {
    await registerApi(app, cp, logger);
    await app.ready();
  } catch (error) {
    await app.close();
    await cp.close();
    throw error;
  }
  await cp.bootstrapAdmin(ADMIN);

  const request: Harness['request'] = ({ token, headers, ...options }) =>
    app.inject({
      ...options,
      headers: { ...headers, ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    });

  return {
    cp,
    app,
    request,
    async login(email, password) {
      const response = await request({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password },
      });
      if (response.statusCode !== 200) throw new Error(`login ${email} failed: ${response.body}`);
      return response.json<{ accessToken: string }>().accessToken;
    },
    async close() {
      await app.close();
      await cp.close();
    },
  };
}

/** The JSON body of a response, typed for the test. */
export function body<T>(response: LightMyRequestResponse): T {
  return response.json<T>();
}

let counter = 0;
/** A name no other test in this process uses. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix} ${counter}`;
}
