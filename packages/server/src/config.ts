import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { TrustProxy } from './http/clientAddress';
import { isIpAddress, LanAddressError, lanAddress } from './net/lanAddress';

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
  SQUELCH_SEED_DEMO: bool.optional(),
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
  SQUELCH_FLOOR_MEDIA_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  SQUELCH_FLOOR_FIRST_PACKET_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** How long an emergency opens its raiser's microphone on the channel. */
  SQUELCH_EMERGENCY_TALK_MS: positiveMs.optional(),
  SQUELCH_ACCESS_RECONCILE_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  SQUELCH_TURN_URLS: z.string().optional(),
  SQUELCH_TURN_SECRET: z.string().min(1).optional(),
  SQUELCH_TURN_TTL_S: z.coerce.number().int().min(60).default(3600),
  SQUELCH_TURN_RELAY_ONLY: bool.default(false),
  SQUELCH_TONES_DIR: z.string().min(1).optional(),
  SQUELCH_ALLOWED_ORIGINS: z.string().optional(),
  SQUELCH_MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(500),
  SQUELCH_MAX_SESSIONS_PER_USER: z.coerce.number().int().min(1).max(1000).default(10),
  SQUELCH_TRUST_PROXY: z.string().optional(),
  SQUELCH_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  SQUELCH_LOGIN_MAX_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(100),
  SQUELCH_LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000).default(50),
  SQUELCH_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SQUELCH_DEV_PAGES: bool.default(false),
  SQUELCH_RECORDINGS_DIR: z.string().min(1).optional(),
  SQUELCH_RECORDINGS_MIN_FREE_MB: z.coerce.number().int().min(1).default(256),
  SQUELCH_RECORDINGS_SWEEP_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /** LAN mode: `true` (the default route's address), an address, or `false`. `--lan[=ADDRESS]` sets it too. */
  SQUELCH_LAN: z.string().min(1).optional(),
  SQUELCH_PUBLIC_URL: z.url().optional(),
  SQUELCH_NODE_TTL_MS: z.coerce.number().int().min(500).max(60_000).default(3000),
  SQUELCH_NODE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(30_000).default(1000),
  SQUELCH_PIPE_LISTEN_IP: z.ipv4().or(z.ipv6()).optional(),
  SQUELCH_PIPE_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
  SQUELCH_PIPE_PORT_MIN: port.optional(),
  SQUELCH_PIPE_PORT_MAX: port.optional(),
  SQUELCH_PIPE_SRTP: bool.default(false),
});

export interface Config {
  http: {
    host: string;
    port: number;
    tlsCertFile: string | undefined;
    tlsKeyFile: string | undefined;
    /** Addresses the self-signed certificate names besides localhost (the LAN address in LAN mode). */
    certificateAddresses: string[];
  };
  /**
   * LAN mode: HTTPS and media bound to and announced on this address (phones on the same network use it);
   * undefined otherwise.
   */
  lan: { address: string } | undefined;
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
  floor: { ttlMs: number; maxDurationMs: number; mediaTimeoutMs: number; firstPacketGraceMs: number };
  /** talkMs: how long a raised emergency keeps its raiser's microphone open on the channel. */
  emergency: { talkMs: number };
  /** How often every session's channels are re-checked against the database (besides bus removals). */
  access: { reconcileMs: number };
  /** relayOnly: every client is told to use TURN only (iceTransportPolicy 'relay'). */
  turn: { urls: string[]; secret: string; ttlSec: number; relayOnly: boolean } | undefined;
  tonesDir: string | undefined;
  recordings: { directory: string; minFreeBytes: number; sweepIntervalMs: number };
  security: {
    /** Origins allowed to open the signalling socket besides the server's own. */
    allowedOrigins: string[];
    maxSocketsPerAddress: number;
    maxSessionsPerUser: number;
    /** Reverse proxies trusted for X-Forwarded-For: none, addresses / CIDRs, or a hop count. */
    trustProxy: TrustProxy;
    /** REST API requests per client address per minute. */
    apiRateLimitPerMinute: number;
    /** Failed sign-ins per client address (any e-mail) and per account (any address), per 5 minutes. */
    loginMaxPerAddress: number;
    loginMaxPerAccount: number;
    /** When set, /metrics and /api/openapi.json need `Authorization: Bearer <token>`. */
    metricsToken: string | undefined;
    /** Serve the hand-test page (lab.html) and source maps. */
    devPages: boolean;
  };
  /** This node in the node registry: the URL clients reach it at (undefined: its own listen address). */
  cluster: { publicUrl: string | undefined; nodeTtlMs: number; heartbeatMs: number };
  /**
   * Channel audio between nodes (relay/): the address PipeTransports listen on, the address announced to the
   * other nodes, the UDP port range they take ports from, and whether the pipes are SRTP-encrypted.
   */
  pipe: {
    listenIp: string;
    announcedAddress: string | undefined;
    portRange: { min: number; max: number };
    srtp: boolean;
  };
}

const IP_OR_CIDR = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

function parseTrustProxy(value: string | undefined, problems: string[]): TrustProxy {
  if (value === undefined || value.trim() === '' || value === 'false') return false;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const bad = entries.filter(
    (entry) => !IP_OR_CIDR.test(entry) && !['loopback', 'linklocal', 'uniquelocal'].includes(entry),
  );
  if (bad.length > 0) {
    problems.push(
      `SQUELCH_TRUST_PROXY: ${bad.join(', ')} is not an address, a CIDR range, loopback/linklocal/uniquelocal or a hop count`,
    );
  }
  return entries;
}

function parseOrigins(value: string | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  const origins = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const origin of origins) {
    let ok: boolean;
    try {
      const url = new URL(origin);
      ok = (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === '/';
    } catch {
      ok = false;
    }
    if (!ok)
      problems.push(`SQUELCH_ALLOWED_ORIGINS: ${origin} is not an origin like https://radio.example.org`);
  }
  return origins;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The LAN address asked for by `--lan[=ADDRESS]` (command line, wins) or SQUELCH_LAN; undefined when LAN mode
 * is off. `findLanAddress` finds the default route's address (replaceable in tests).
 */
function resolveLan(
  envValue: string | undefined,
  argv: readonly string[],
  findLanAddress: () => string,
  problems: string[],
): string | undefined {
  let value = envValue;
  for (const arg of argv) {
    if (arg === '--lan') value = 'true';
    else if (arg.startsWith('--lan=')) value = arg.slice('--lan='.length);
    else problems.push(`${arg}: unknown option (the server takes --lan or --lan=ADDRESS)`);
  }
  if (value === undefined || value === 'false' || value === '0') return undefined;
  if (value === 'true' || value === '1') {
    try {
      return findLanAddress();
    } catch (error) {
      if (error instanceof LanAddressError) {
        problems.push(`LAN mode: ${error.message}`);
        return undefined;
      }
      throw error;
    }
  }
  if (!isIpAddress(value)) {
    problems.push(`LAN mode: ${value} is not an IP address (use --lan, or --lan=ADDRESS like 192.168.1.20)`);
    return undefined;
  }
  return value;
}

/**
 * Parses and validates the environment (and the server's command-line options: `--lan[=ADDRESS]`). Throws
 * ConfigError listing every problem at once.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  cwd: string,
  argv: readonly string[] = [],
  findLanAddress: () => string = lanAddress,
): Config {
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
  // Unset: 10 s, or the maximum turn when that is shorter. Set: it must fit in a turn.
  const emergencyTalkMs = e.SQUELCH_EMERGENCY_TALK_MS ?? Math.min(10_000, e.SQUELCH_FLOOR_MAX_DURATION_MS);
  if (emergencyTalkMs < 1000 || emergencyTalkMs > e.SQUELCH_FLOOR_MAX_DURATION_MS)
    problems.push(
      `SQUELCH_EMERGENCY_TALK_MS must be from 1000 to SQUELCH_FLOOR_MAX_DURATION_MS (${e.SQUELCH_FLOOR_MAX_DURATION_MS})`,
    );
  const trustProxy = parseTrustProxy(e.SQUELCH_TRUST_PROXY, problems);
  const allowedOrigins = parseOrigins(e.SQUELCH_ALLOWED_ORIGINS, problems);
  const lan = resolveLan(e.SQUELCH_LAN, argv, findLanAddress, problems);
  if (e.SQUELCH_NODE_HEARTBEAT_MS * 2 > e.SQUELCH_NODE_TTL_MS) {
    problems.push('SQUELCH_NODE_HEARTBEAT_MS must be at most half of SQUELCH_NODE_TTL_MS');
  }
  const pipeMin = e.SQUELCH_PIPE_PORT_MIN ?? 50_000;
  const pipeMax = e.SQUELCH_PIPE_PORT_MAX ?? 50_999;
  if (pipeMin < 1024) problems.push('SQUELCH_PIPE_PORT_MIN must be at least 1024');
  if (pipeMax < pipeMin) problems.push('SQUELCH_PIPE_PORT_MAX must not be below SQUELCH_PIPE_PORT_MIN');
  const pipeListenIp = e.SQUELCH_PIPE_LISTEN_IP ?? e.SQUELCH_RTC_LISTEN_IP;
  const pipeAnnounced =
    e.SQUELCH_PIPE_ANNOUNCED_ADDRESS ??
    (e.SQUELCH_PIPE_LISTEN_IP === undefined ? e.SQUELCH_RTC_ANNOUNCED_ADDRESS : undefined);
  // Pipes exist only between nodes, which share Redis.
  const wildcard = pipeListenIp === '0.0.0.0' || pipeListenIp === '::';
  if (e.REDIS_URL !== undefined && wildcard && pipeAnnounced === undefined) {
    problems.push('SQUELCH_PIPE_ANNOUNCED_ADDRESS is required when pipes listen on 0.0.0.0');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(cwd, e.SQUELCH_DATA_DIR);
  return {
    http: {
      // LAN mode replaces the listen and announced addresses with the LAN address.
      host: lan ?? e.SQUELCH_HOST,
      port: e.SQUELCH_PORT,
      tlsCertFile: e.SQUELCH_TLS_CERT && path.resolve(cwd, e.SQUELCH_TLS_CERT),
      tlsKeyFile: e.SQUELCH_TLS_KEY && path.resolve(cwd, e.SQUELCH_TLS_KEY),
      certificateAddresses: lan === undefined ? [] : [lan],
    },
    lan: lan === undefined ? undefined : { address: lan },
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
    // The demo event is for trying Squelch on one machine: on by default only with the embedded database, so a
    // deployment on PostgreSQL never gets demo accounts by accident.
    seedDemo: e.SQUELCH_SEED_DEMO ?? e.DATABASE_URL === undefined,
    media: {
      workers: e.SQUELCH_MEDIA_WORKERS ?? os.availableParallelism(),
      listenIp: lan ?? e.SQUELCH_RTC_LISTEN_IP,
      announcedAddress: lan ?? e.SQUELCH_RTC_ANNOUNCED_ADDRESS,
      basePort: e.SQUELCH_RTC_PORT,
      opusPtime: e.SQUELCH_OPUS_PTIME,
    },
    floor: {
      ttlMs: e.SQUELCH_FLOOR_TTL_MS,
      maxDurationMs: e.SQUELCH_FLOOR_MAX_DURATION_MS,
      mediaTimeoutMs: e.SQUELCH_FLOOR_MEDIA_TIMEOUT_MS,
      firstPacketGraceMs: e.SQUELCH_FLOOR_FIRST_PACKET_GRACE_MS,
    },
    emergency: { talkMs: emergencyTalkMs },
    access: { reconcileMs: e.SQUELCH_ACCESS_RECONCILE_MS },
    turn:
      e.SQUELCH_TURN_URLS !== undefined && e.SQUELCH_TURN_SECRET !== undefined
        ? {
            urls: e.SQUELCH_TURN_URLS.split(',')
              .map((url) => url.trim())
              .filter((url) => url.length > 0),
            secret: e.SQUELCH_TURN_SECRET,
            ttlSec: e.SQUELCH_TURN_TTL_S,
            relayOnly: e.SQUELCH_TURN_RELAY_ONLY,
          }
        : undefined,
    tonesDir: e.SQUELCH_TONES_DIR && path.resolve(cwd, e.SQUELCH_TONES_DIR),
    recordings: {
      directory: path.resolve(cwd, e.SQUELCH_RECORDINGS_DIR ?? path.join(dataDir, 'recordings')),
      minFreeBytes: e.SQUELCH_RECORDINGS_MIN_FREE_MB * 1_048_576,
      sweepIntervalMs: e.SQUELCH_RECORDINGS_SWEEP_S * 1000,
    },
    security: {
      allowedOrigins,
      maxSocketsPerAddress: e.SQUELCH_MAX_SOCKETS_PER_ADDRESS,
      maxSessionsPerUser: e.SQUELCH_MAX_SESSIONS_PER_USER,
      trustProxy,
      apiRateLimitPerMinute: e.SQUELCH_API_RATE_LIMIT,
      loginMaxPerAddress: e.SQUELCH_LOGIN_MAX_PER_ADDRESS,
      loginMaxPerAccount: e.SQUELCH_LOGIN_MAX_PER_ACCOUNT,
      metricsToken: e.SQUELCH_METRICS_TOKEN,
      devPages: e.SQUELCH_DEV_PAGES,
    },
    cluster: {
      publicUrl: e.SQUELCH_PUBLIC_URL?.replace(/\/+$/, ''),
      nodeTtlMs: e.SQUELCH_NODE_TTL_MS,
      heartbeatMs: e.SQUELCH_NODE_HEARTBEAT_MS,
    },
    pipe: {
      listenIp: pipeListenIp,
      announcedAddress: pipeAnnounced,
      portRange: { min: pipeMin, max: pipeMax },
      srtp: e.SQUELCH_PIPE_SRTP,
    },
  };
}
