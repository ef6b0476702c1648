import fs from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { defaultLoginRateLimit } from '../controlplane/auth/loginLimiter';
import type { PasswordHashingOptions } from '../controlplane/auth/passwordHasher';
import { ControlPlane } from '../controlplane/ControlPlane';
import type { DemoAccount } from '../controlplane/demoSeed';
import { EmergencyBus } from '../emergency/EmergencyBus';
import { EmergencyRoom } from '../emergency/EmergencyRoom';
import { EmergencyStore } from '../emergency/EmergencyStore';
import { FloorService, InProcessFloorStore, RedisFloorStore } from '../floor';
import type { FloorStore } from '../floor';
import { registerApi } from '../http/api';
import { clientAddressResolver, fastifyTrustProxy } from '../http/clientAddress';
import { createHttpServer } from '../http/HttpServer';
import { requireOpsToken } from '../http/opsToken';
import { loadTls } from '../http/tls';
import { registerTones } from '../http/tones';
import { ChannelStreams } from '../media/ChannelStreams';
import { announcedMediaAddress, isLoopbackAddress } from '../media/mediaAddress';
import { turnIceServers } from '../media/turnCredentials';
import { WorkerPool } from '../media/WorkerPool';
import { Metrics } from '../observability/metrics';
import { Recordings } from '../recordings/Recordings';
import { transmissionRoutes } from '../recordings/routes';
import { ChannelRelay } from '../relay/ChannelRelay';
import { NodeRegistry } from '../relay/NodeRegistry';
import { registerRelayMetrics } from '../relay/relayMetrics';
import { registerNodesRoute } from '../relay/nodesRoute';
import type { MetricsSnapshot } from '../observability/metrics';
import { SignallingServer } from '../signalling/SignallingServer';
import { AccessBus } from './accessBus';
import { controlPlaneAccess } from './accessPolicy';
import { resolveJwtSecret } from './jwtSecret';

/** Default PTT tones shipped with the server (packages/server/assets/tones). */
const BUILTIN_TONES_DIR = path.resolve(import.meta.dirname, '../../assets/tones');

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The HTTPS origin of the listening server (the host as configured, localhost for 0.0.0.0). */
function listenUrl(config: Config, http: FastifyInstance): string {
  const host = config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
  const { port } = http.server.address() as AddressInfo;
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One real query against the database: a membership lookup that matches nothing. */
async function databaseReachable(controlPlane: ControlPlane): Promise<boolean> {
  await controlPlane.canUseChannel(NIL_UUID, NIL_UUID);
  return true;
}

export interface SquelchOptions {
  /** Argon2 cost override (tests use cheap hashing). */
  passwordHashing?: PasswordHashingOptions;
}

/**
 * One Squelch server node: control plane, floor service, media workers, HTTPS + WSS. This is the owner of
 * everything the process runs; close() shuts it down in order:
 * node registry (this node deregistered) → relay (pipes to other nodes) → emergency room (open-microphone
 * timers) → signalling (clients told to reconnect, sessions closed, floors released) → emergency bus → HTTP → floor service → floor store → channel streams → media workers → recordings (those in
 * progress completed) → control plane (database).
 */
export class Squelch {
  readonly config: Config;
  readonly controlPlane: ControlPlane;
  readonly floor: FloorService;
  readonly floorStore: FloorStore;
  readonly pool: WorkerPool;
  readonly streams: ChannelStreams;
  readonly http: FastifyInstance;
  readonly signalling: SignallingServer;
  readonly recordings: Recordings;
  readonly nodes: NodeRegistry;
  /** Channel audio between nodes (undefined without Redis: a single node). */
  readonly relay: ChannelRelay | undefined;
  readonly #accessBus: AccessBus;
  readonly #emergency: { room: EmergencyRoom | undefined; bus: EmergencyBus };
  readonly #stopAccess: () => void;
  /** Demo accounts created on this start (only on the first start of an empty database). */
  readonly seededAccounts: DemoAccount[] | null;
  readonly #logger: Logger;
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    config: Config;
    controlPlane: ControlPlane;
    floor: FloorService;
    floorStore: FloorStore;
    pool: WorkerPool;
    streams: ChannelStreams;
    http: FastifyInstance;
    signalling: SignallingServer;
    recordings: Recordings;
    nodes: NodeRegistry;
    relay: ChannelRelay | undefined;
    accessBus: AccessBus;
    emergency: { room: EmergencyRoom | undefined; bus: EmergencyBus };
    stopAccess: () => void;
    seededAccounts: DemoAccount[] | null;
    logger: Logger;
  }) {
    this.#accessBus = parts.accessBus;
    this.#emergency = parts.emergency;
    this.#stopAccess = parts.stopAccess;
    this.config = parts.config;
    this.controlPlane = parts.controlPlane;
    this.floor = parts.floor;
    this.floorStore = parts.floorStore;
    this.pool = parts.pool;
    this.streams = parts.streams;
    this.http = parts.http;
    this.signalling = parts.signalling;
    this.recordings = parts.recordings;
    this.nodes = parts.nodes;
    this.relay = parts.relay;
    this.seededAccounts = parts.seededAccounts;
    this.#logger = parts.logger;
  }

  static async start(config: Config, logger: Logger, options: SquelchOptions = {}): Promise<Squelch> {
    await fs.mkdir(config.dataDir, { recursive: true });
    const cleanup: (() => Promise<void> | void)[] = [];
    try {
      const jwtSecret = await resolveJwtSecret(config.auth.jwtSecret, config.dataDir);
      const controlPlane = await ControlPlane.open({
        database: config.database,
        auth: {
          jwtSecret,
          accessTokenTtlSec: config.auth.accessTokenTtlSec,
          refreshTokenTtlSec: config.auth.refreshTokenTtlSec,
          loginRateLimit: {
            ...defaultLoginRateLimit,
            maxFailuresPerAddress: config.security.loginMaxPerAddress,
            maxFailuresPerAccount: config.security.loginMaxPerAccount,
          },
          ...(options.passwordHashing !== undefined ? { passwordHashing: options.passwordHashing } : {}),
        },
        logger,
      });
      cleanup.push(() => controlPlane.close());
      const recordings = await Recordings.start({
        ...config.recordings,
        nodeId: config.nodeId,
        db: controlPlane.db,
        logger,
      });
      cleanup.push(() => recordings.close());
      const seededAccounts = config.seedDemo ? await controlPlane.seedDemoIfEmpty() : null;

      const floorStore: FloorStore =
        config.redisUrl !== undefined
          ? new RedisFloorStore({ url: config.redisUrl, keyPrefix: 'squelch:', logger })
          : new InProcessFloorStore({ logger });
      cleanup.push(() => floorStore.close());
      const floor = new FloorService({
        store: floorStore,
        nodeId: config.nodeId,
        ttlMs: config.floor.ttlMs,
        maxDurationMs: config.floor.maxDurationMs,
        logger,
      });
      cleanup.push(() => floor.close());

      const pool = await WorkerPool.create({
        size: config.media.workers,
        listenIp: config.media.listenIp,
        announcedAddress: config.media.announcedAddress,
        basePort: config.media.basePort,
        ptime: config.media.opusPtime,
        logger,
      });
      cleanup.push(() => pool.close());
      const streams = new ChannelStreams({ ptime: config.media.opusPtime, logger });
      cleanup.push(() => streams.close());
      // Fencing: a grant made anywhere stops older grants' audio from entering this node's stream of the channel.
      floor.events.on('taken', (grant) => streams.noteFence(grant.channelId, grant.fence));

      const tls = await loadTls(
        {
          certFile: config.http.tlsCertFile,
          keyFile: config.http.tlsKeyFile,
          dataDir: config.dataDir,
          addresses: config.http.certificateAddresses,
        },
        logger,
      );
      const http = await createHttpServer({
        tls,
        logger,
        webRoot: config.webRoot,
        trustProxy: fastifyTrustProxy(config.security.trustProxy),
        devPages: config.security.devPages,
        peerOrigins: config.security.allowedOrigins,
        readiness: [
          { name: 'mediaWorkers', check: () => pool.healthy() },
          { name: 'floorStore', check: () => floorStore.isHealthy() },
          { name: 'database', check: () => databaseReachable(controlPlane) },
        ],
        notices: () => ({ recording: recordings.disk.notice }),
      });
      cleanup.push(() => http.close());
      await registerApi(http, controlPlane, logger, {
        rateLimitPerMinute: config.security.apiRateLimitPerMinute,
        docsToken: config.security.metricsToken,
        privateRoutes: (scope) =>
          transmissionRoutes(scope, { transmissions: recordings.service, directory: recordings.directory }),
      });
      registerTones(http, { tonesDir: config.tonesDir, builtinDir: BUILTIN_TONES_DIR });
      // The registry starts once the listen address is known; until then the route knows no node.
      const registered: { registry?: NodeRegistry; relay?: ChannelRelay } = {};
      registerNodesRoute(http, () => ({ self: config.nodeId, nodes: registered.registry?.nodes() ?? [] }));

      // The snapshot reads `signalling` (declared below) only when /metrics is scraped, after start-up.
      const metrics: Metrics = new Metrics({
        nodeId: config.nodeId,
        pool,
        snapshot: (): MetricsSnapshot => ({ ...signalling.stats(), channelStreams: streams.size }),
      });
      registerRelayMetrics(metrics.registry, () => registered.relay);
      http.get(
        '/metrics',
        { onRequest: requireOpsToken(config.security.metricsToken) },
        async (_request, reply) =>
          reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
      );

      const accessBus = new AccessBus({
        redisUrl: config.redisUrl,
        keyPrefix: 'squelch:',
        nodeId: config.nodeId,
        logger,
      });
      cleanup.push(() => accessBus.close());
      const access = controlPlaneAccess(controlPlane, accessBus);
      cleanup.push(() => access.stop());

      const emergency: { room: EmergencyRoom | undefined; bus: EmergencyBus } = {
        room: undefined,
        bus: new EmergencyBus({
          redisUrl: config.redisUrl,
          keyPrefix: 'squelch:',
          nodeId: config.nodeId,
          logger,
        }),
      };
      cleanup.push(() => emergency.bus.close());
      cleanup.push(() => emergency.room?.close());

      const turn = config.turn;
      const signalling: SignallingServer = new SignallingServer({
        path: '/ws',
        nodeId: config.nodeId,
        access: access.policy,
        talkPriority: (userId, channelId) => controlPlane.talkPriority(userId, channelId),
        floor,
        pool,
        streams,
        iceServers: (userId) => (turn === undefined ? [] : turnIceServers(turn, userId)),
        recorder: recordings.recorder,
        iceTransportPolicy: turn?.relayOnly === true ? 'relay' : 'all',
        observer: metrics,
        logger,
        allowedOrigins: config.security.allowedOrigins,
        maxSocketsPerAddress: config.security.maxSocketsPerAddress,
        maxSessionsPerUser: config.security.maxSessionsPerUser,
        clientAddress: clientAddressResolver(config.security.trustProxy),
        reconcileMs: config.access.reconcileMs,
        silence: {
          timeoutMs: config.floor.mediaTimeoutMs,
          firstPacketGraceMs: config.floor.firstPacketGraceMs,
        },
        emergency: (hooks) => {
          emergency.room = new EmergencyRoom({
            store: new EmergencyStore(controlPlane.db),
            bus: emergency.bus,
            hooks,
            talkMs: config.emergency.talkMs,
            logger,
          });
          return emergency.room;
        },
      });
      signalling.attach(http.server);
      cleanup.push(() => signalling.close());

      await http.listen({ host: config.http.host, port: config.http.port });
      const nodes = await NodeRegistry.start({
        redisUrl: config.redisUrl,
        keyPrefix: 'squelch:',
        self: {
          id: config.nodeId,
          url: config.cluster.publicUrl ?? listenUrl(config, http),
          startedAt: Date.now(),
        },
        ttlMs: config.cluster.nodeTtlMs,
        heartbeatMs: config.cluster.heartbeatMs,
        logger,
      });
      registered.registry = nodes;
      cleanup.push(() => nodes.close());
      const relay =
        config.redisUrl === undefined
          ? undefined
          : await ChannelRelay.start({
              nodeId: config.nodeId,
              redisUrl: config.redisUrl,
              keyPrefix: 'squelch:',
              floor,
              streams,
              registry: nodes,
              pipe: config.pipe,
              logger,
            });
      registered.relay = relay;
      cleanup.push(() => relay?.close());
      const squelch = new Squelch({
        config,
        controlPlane,
        floor,
        floorStore,
        pool,
        streams,
        http,
        signalling,
        recordings,
        nodes,
        relay,
        accessBus,
        emergency,
        stopAccess: access.stop,
        seededAccounts,
        logger,
      });
      logger.info(
        { url: squelch.url, nodeId: config.nodeId, workers: config.media.workers },
        'Squelch is ready',
      );
      const mediaAddress = announcedMediaAddress(config.media);
      if (isLoopbackAddress(mediaAddress))
        logger.warn(
          { mediaAddress },
          'Media is announced on a loopback address: only browsers on this machine can send or hear audio, and ' +
            'Firefox not even those. Set SQUELCH_RTC_LISTEN_IP / SQUELCH_RTC_ANNOUNCED_ADDRESS ' +
            'for phones and other computers.',
        );
      return squelch;
    } catch (error) {
      for (const step of cleanup.reverse()) {
        try {
          await step();
        } catch {
          // Best effort while failing to start.
        }
      }
      throw error;
    }
  }

  /** The port the HTTPS server listens on (useful when configured as 0). */
  get port(): number {
    return (this.http.server.address() as AddressInfo).port;
  }

  get url(): string {
    return listenUrl(this.config, this.http);
  }

  /**
   * Reads the TLS certificate again (an operator's renewed files, or a regenerated self-signed one) and uses it
   * for new connections; open connections keep theirs. main.ts calls this on SIGHUP.
   */
  async reloadTls(): Promise<void> {
    const tls = await loadTls(
      {
        certFile: this.config.http.tlsCertFile,
        keyFile: this.config.http.tlsKeyFile,
        dataDir: this.config.dataDir,
        addresses: this.config.http.certificateAddresses,
      },
      this.#logger,
    );
    // Fastify's HTTPS server is a tls.Server underneath; its typings describe the plain HTTP one.
    (this.http.server as unknown as TlsServer).setSecureContext({ cert: tls.cert, key: tls.key });
    this.#logger.info({ source: tls.source }, 'TLS certificate reloaded');
  }

  /** Graceful shutdown in ownership order; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const steps: [string, () => Promise<void> | void][] = [
      ['nodes', () => this.nodes.close()],
      ['relay', () => this.relay?.close()],
      ['emergency', () => this.#emergency.room?.close()],
      ['signalling', () => this.signalling.close()],
      ['emergencyBus', () => this.#emergency.bus.close()],
      ['access', () => this.#stopAccess()],
      ['accessBus', () => this.#accessBus.close()],
      ['http', () => this.http.close()],
      ['floor', () => this.floor.close()],
      ['floorStore', () => this.floorStore.close()],
      ['streams', () => this.streams.close()],
      ['workers', () => this.pool.close()],
      ['recordings', () => this.recordings.close()],
      ['controlPlane', () => this.controlPlane.close()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        this.#logger.error({ err: error, step: name }, 'shutdown step failed');
      }
    }
    this.#logger.info('Squelch stopped');
  }
}
