import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Squelch's whole configuration, read from the environment once at start (see docs/operations.md for the
 * table). Every other module receives the parts it needs; none reads process.env itself.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce
  .number()
  .int()
  .min(100)
  .max(24 * 3600 * 1000);

const EnvSchema = z.object({
  SQUELCH_HOST: z.string().min(1).default('127.0.0.1'),
  SQUELCH_PORT: port.default(8443),
  SQUELCH_DATA_DIR: z.string().min(1).default('.data'),
  SQUELCH_TLS_CERT: z.string().min(1).optional(),
  SQUELCH_TLS_KEY: z.string().min(1).optional(),
  SQUELCH_WEB_ROOT: z.string().min(1).optional(),
  SQUELCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SQUELCH_NODE_ID: z.string().min(1).max(64).optional(),
  DATABASE_URL: z.url().optional(),
  REDIS_URL: z.url().optional(),
  SQUELCH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SQUELCH_ACCESS_TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(30)
    .max(24 * 3600)
    .default(900),
  SQUELCH_REFRESH_TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(300)
    .default(14 * 24 * 3600),
  SQUELCH_SEED_DEMO: bool.default(true),
  SQUELCH_MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  SQUELCH_RTC_LISTEN_IP: z.string().min(1).default('127.0.0.1'),
  SQUELCH_RTC_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
  SQUELCH_RTC_PORT: port.optional(),
  SQUELCH_OPUS_PTIME: z
    .enum(['10', '20'])
    .default('20')
    .transform((value) => (value === '10' ? 10 : 20)),
  SQUELCH_FLOOR_TTL_MS: positiveMs.default(30_000),
  SQUELCH_FLOOR_MAX_DURATION_MS: positiveMs.default(60_000),
  SQUELCH_TURN_URLS: z.string().optional(),
  SQUELCH_TURN_SECRET: z.string().min(1).optional(),
  SQUELCH_TURN_TTL_S: z.coerce.number().int().min(60).default(3600),
  SQUELCH_TONES_DIR: z.string().min(1).optional(),
});

export interface Config {
  http: { host: string; port: number; tlsCertFile: string | undefined; tlsKeyFile: string | undefined };
  dataDir: string;
  webRoot: string;
  logLevel: string;
  nodeId: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  redisUrl: string | undefined;
  auth: { jwtSecret: string | undefined; accessTokenTtlSec: number; refreshTokenTtlSec: number };
  seedDemo: boolean;
  media: {
    workers: number;
    listenIp: string;
    announcedAddress: string | undefined;
    basePort: number | undefined;
    opusPtime: 10 | 20;
  };
  floor: { ttlMs: number; maxDurationMs: number };
  turn: { urls: string[]; secret: string; ttlSec: number } | undefined;
  tonesDir: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws ConfigError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined>, cwd: string): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if ((e.SQUELCH_TLS_CERT === undefined) !== (e.SQUELCH_TLS_KEY === undefined)) {
    problems.push('SQUELCH_TLS_CERT and SQUELCH_TLS_KEY must be given together');
  }
  if ((e.SQUELCH_TURN_URLS === undefined) !== (e.SQUELCH_TURN_SECRET === undefined)) {
    problems.push('SQUELCH_TURN_URLS and SQUELCH_TURN_SECRET must be given together');
  }
  if (e.SQUELCH_FLOOR_MAX_DURATION_MS < 1000)
    problems.push('SQUELCH_FLOOR_MAX_DURATION_MS must be at least 1000');
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(cwd, e.SQUELCH_DATA_DIR);
  return {
    http: {
      host: e.SQUELCH_HOST,
      port: e.SQUELCH_PORT,
      tlsCertFile: e.SQUELCH_TLS_CERT && path.resolve(cwd, e.SQUELCH_TLS_CERT),
      tlsKeyFile: e.SQUELCH_TLS_KEY && path.resolve(cwd, e.SQUELCH_TLS_KEY),
    },
    dataDir,
    webRoot: path.resolve(cwd, e.SQUELCH_WEB_ROOT ?? 'packages/web/dist'),
    logLevel: e.SQUELCH_LOG_LEVEL,
    nodeId: e.SQUELCH_NODE_ID ?? `${os.hostname()}-${process.pid}`,
    database:
      e.DATABASE_URL !== undefined
        ? { kind: 'postgres', url: e.DATABASE_URL }
        : { kind: 'pglite', dataDir: path.join(dataDir, 'db') },
    redisUrl: e.REDIS_URL,
    auth: {
      jwtSecret: e.SQUELCH_JWT_SECRET,
      accessTokenTtlSec: e.SQUELCH_ACCESS_TOKEN_TTL_S,
      refreshTokenTtlSec: e.SQUELCH_REFRESH_TOKEN_TTL_S,
    },
    seedDemo: e.SQUELCH_SEED_DEMO,
    media: {
      workers: e.SQUELCH_MEDIA_WORKERS ?? os.availableParallelism(),
      listenIp: e.SQUELCH_RTC_LISTEN_IP,
      announcedAddress: e.SQUELCH_RTC_ANNOUNCED_ADDRESS,
      basePort: e.SQUELCH_RTC_PORT,
      opusPtime: e.SQUELCH_OPUS_PTIME,
    },
    floor: { ttlMs: e.SQUELCH_FLOOR_TTL_MS, maxDurationMs: e.SQUELCH_FLOOR_MAX_DURATION_MS },
    turn:
      e.SQUELCH_TURN_URLS !== undefined && e.SQUELCH_TURN_SECRET !== undefined
        ? {
            urls: e.SQUELCH_TURN_URLS.split(',')
              .map((url) => url.trim())
              .filter((url) => url.length > 0),
            secret: e.SQUELCH_TURN_SECRET,
            ttlSec: e.SQUELCH_TURN_TTL_S,
          }
        : undefined,
    tonesDir: e.SQUELCH_TONES_DIR && path.resolve(cwd, e.SQUELCH_TONES_DIR),
  };
}
