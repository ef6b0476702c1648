import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  ErrorCode,
  MAX_MESSAGE_BYTES,
  ProtocolError,
  parseRequest,
  requestIdOf,
} from '@squelch/protocol';
import type { AuthenticateResult, IceServer, ParsedRequest } from '@squelch/protocol';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import type { ChannelStreams } from '../media/ChannelStreams';
import type { MediaWorker } from '../media/MediaWorker';
import type { SessionMedia } from '../media/SessionMedia';
import type { SilenceOptions } from '../media/SilenceWatch';
import type { WorkerPool } from '../media/WorkerPool';
import type { SignallingObserver } from '../observability/metrics';
import type { AccessPolicy, AccessRemoved } from './AccessPolicy';
import { AccessReconciler } from './AccessReconciler';
import { ChannelRights } from './ChannelRights';
import { Connection } from './Connection';
import { toProtocolError } from './errors';
import type { FloorControl } from './FloorControl';
import type { EmergencyDesk, EmergencyHooks } from './EmergencyDesk';
import { handleRequest, leave, releaseFloor, requestFloor } from './handlers';
import type { HandlerContext } from './handlers';
import { Session } from './Session';
import { SessionRegistry } from './SessionRegistry';
import { UpgradeAdmission } from './UpgradeAdmission';
import { wireFloorEvents } from './floorEvents';
import { createSessionMedia } from './sessionMedia';
import type { TalkRecorder } from '../media/TalkRecorder';

const STATUS_TEXT: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

/** Answers a refused upgrade with a bare HTTP status and destroys the socket. */
function refuseUpgrade(socket: Duplex, status: number): void {
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  }
  socket.destroy();
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export interface SignallingServerOptions {
  path: string;
  nodeId: string;
  access: AccessPolicy;
  /** The user's talk priority on a channel (default: by the session's role, with the default priorities). */
  talkPriority?: (userId: string, channelId: string) => Promise<number | null>;
  floor: FloorControl;
  pool: WorkerPool;
  streams: ChannelStreams;
  iceServers: (userId: string) => IceServer[];
  /** Records each transmission that enters on this node (absent: nothing is recorded). */
  recorder?: TalkRecorder;
  /** 'relay' makes every client use TURN only. */
  iceTransportPolicy?: 'all' | 'relay';
  observer: SignallingObserver;
  logger: Logger;
  authTimeoutMs?: number;
  pingIntervalMs?: number;
  /** How long a session whose socket dropped waits to be resumed (default 15 s). */
  resumeGraceMs?: number;
  /** Origins allowed besides the server's own (default: none). */
  allowedOrigins?: readonly string[];
  /** Open sockets per client address (default 500: a venue's NAT puts many phones behind one address). */
  maxSocketsPerAddress?: number;
  /** Sessions per user, resumable ones included (default 10). */
  maxSessionsPerUser?: number;
  /** Frees the floor of a holder whose audio stops (see media/SilenceWatch). Default: off. */
  silence?: SilenceOptions;
  /** The client address of an upgrade request (default: the TCP peer; see http/clientAddress). */
  clientAddress?: (request: IncomingMessage) => string;
  /** How often every session's channels are re-checked against the database (default 30 s). */
  reconcileMs?: number;
  /** Builds the emergency room on this server's hooks (absent: emergency requests are refused). */
  emergency?: (hooks: EmergencyHooks) => EmergencyDesk;
}

/**
 * The signalling WebSocket endpoint (`wss://host/ws` on the HTTPS port). Every message is validated once here
 * (parseRequest); the first one must be `authenticate`. Owns the sessions it creates: a socket that closes
 * closes its session (audio stops, floors are released at once).
 */
export class SignallingServer {
  readonly registry = new SessionRegistry();
  /** The channels of this node's users, in memory (join, press and heartbeat check here). */
  readonly rights: ChannelRights;
  readonly #options: SignallingServerOptions;
  readonly #wss: WebSocketServer;
  readonly #logger: Logger;
  readonly #ctx: HandlerContext;
  readonly #cleanups: (() => void)[] = [];
  readonly #connections = new Set<Connection>();
  readonly #admission: UpgradeAdmission;
  #reconciler: AccessReconciler | undefined;
  #server: Server | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(options: SignallingServerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: 'signalling' });
    this.#admission = new UpgradeAdmission({
      allowedOrigins: options.allowedOrigins ?? [],
      maxSocketsPerAddress: options.maxSocketsPerAddress ?? 500,
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
    });
    this.rights = new ChannelRights(options.access);
    this.#ctx = {
      nodeId: options.nodeId,
      rights: this.rights,
      floor: options.floor,
      talkPriority: options.talkPriority ?? (() => Promise.resolve(null)),
      registry: this.registry,
      observer: options.observer,
      removeAccess: (session, channelId, reason) => this.#removeChannel(session, channelId, reason),
    };
    if (options.emergency !== undefined) this.#ctx.emergency = options.emergency(this.#emergencyHooks());
  }

  #emergencyHooks(): EmergencyHooks {
    return {
      sessions: () => this.registry.all(),
      allows: (userId, channelId) => this.rights.allows(userId, channelId),
      talk: (session, channelId) => requestFloor(this.#ctx, session, channelId, true),
      endTalk: async (session, channelId, grantId, reason) => {
        if (session.grantOn(channelId)?.grantId !== grantId) return;
        this.#options.observer.floorRevoked(reason);
        session.notify('floorRevoked', { channelId, reason });
        await releaseFloor(this.#ctx, session, channelId);
      },
    };
  }

  /** Starts accepting upgrades on `server` at the configured path. */
  attach(server: Server): void {
    this.#server = server;
    server.on('upgrade', this.#onUpgrade);
    this.#pingTimer = setInterval(() => {
      for (const connection of this.#connections) connection.heartbeat();
    }, this.#options.pingIntervalMs ?? 15_000);
    this.#cleanups.push(
      wireFloorEvents(this.#options.floor, this.registry, this.#options.observer, this.#logger),
    );
    this.#cleanups.push(this.#options.access.onAccessRemoved((change) => void this.#onAccessRemoved(change)));
    const reconciler = new AccessReconciler({
      intervalMs: this.#options.reconcileMs ?? 30_000,
      run: () => this.#reconcile(),
      logger: this.#logger,
    });
    this.#reconciler = reconciler;
    this.#cleanups.push(this.#options.access.onRemovalsMissed(() => reconciler.trigger('bus reconnected')));
    this.#options.pool.events.on('workerReplaced', this.#onWorkerReplaced);
  }

  /** Counts for metrics and tests. */
  stats(): { sessions: number; transports: number; consumers: number; producers: number } {
    let transports = 0;
    let consumers = 0;
    let producers = 0;
    for (const session of this.registry.all()) {
      transports += session.media.transportCount;
      consumers += session.media.consumerCount;
      producers += session.media.hasProducer ? 1 : 0;
    }
    return { sessions: this.registry.size, transports, consumers, producers };
  }

  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const address = (this.#options.clientAddress ?? ((r) => r.socket.remoteAddress ?? 'unknown'))(request);
    const refusal = this.#admission.check(request, this.#options.path, address);
    if (refusal !== null) {
      this.#logger.warn({ remote: address, url: request.url, reason: refusal.reason }, 'upgrade refused');
      refuseUpgrade(socket, refusal.status);
      return;
    }
    this.#admission.opened(address);
    let counted = true;
    const uncount = (): void => {
      if (counted) this.#admission.closed(address);
      counted = false;
    };
    socket.once('close', uncount);
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#onSocket(ws, address));
  };

  #onSocket(ws: WebSocket, address: string): void {
    const connectionId = randomUUID();
    const logger = this.#logger.child({ connectionId, remote: address });
    const connection = new Connection(connectionId, ws, logger);
    this.#connections.add(connection);
    let session: Session | undefined;
    let authenticating: Promise<void> | undefined;
    const authTimer = setTimeout(() => {
      if (session === undefined) connection.close(CloseCode.AuthTimeout, 'authenticate first');
    }, this.#options.authTimeoutMs ?? 10_000);

    ws.on('message', (data, isBinary) => {
      if (!connection.admit()) {
        // A client that keeps sending after being told to slow down is closed like one sending garbage.
        connection.violation();
        // Answered with the request's id, so the sender's call fails at once rather than timing out.
        const id = isBinary ? null : requestIdOf(rawText(data));
        connection.fail(id, new ProtocolError(ErrorCode.RateLimited, 'Too many messages; slow down.'));
        return;
      }
      if (isBinary) {
        connection.violation();
        connection.fail(null, new ProtocolError(ErrorCode.BadRequest, 'Binary messages are not accepted.'));
        return;
      }
      const outcome = parseRequest(rawText(data));
      if (!outcome.ok) {
        connection.violation();
        this.#options.observer.protocolError(outcome.error.code);
        connection.fail(outcome.id, outcome.error);
        return;
      }
      const req = outcome.request;
      if (req.method === 'authenticate') {
        if (session !== undefined || authenticating !== undefined) {
          connection.fail(req.id, new ProtocolError(ErrorCode.InvalidState, 'Already authenticated.'));
          return;
        }
        authenticating = this.#authenticate(connection, req).then((authenticated) => {
          session = authenticated;
          authenticating = undefined;
          if (authenticated !== undefined) clearTimeout(authTimer);
        });
        return;
      }
      const dispatch = (): void => {
        if (session === undefined || session.connection !== connection) {
          connection.fail(req.id, new ProtocolError(ErrorCode.NotAuthenticated, 'Authenticate first.'));
        } else {
          this.#dispatch(session, connection, req);
        }
      };
      if (authenticating !== undefined) void authenticating.then(dispatch);
      else dispatch();
    });

    ws.on('close', (code) => {
      clearTimeout(authTimer);
      this.#connections.delete(connection);
      logger.info({ code }, 'signalling socket closed');
      const lost = session;
      session = undefined;
      // A session resumed on another socket is not affected by this one closing.
      if (lost !== undefined && lost.connection === connection) void this.#detach(lost);
    });
    ws.on('error', (error) => logger.warn({ err: error }, 'signalling socket error'));
  }

  async #authenticate(
    connection: Connection,
    req: Extract<ParsedRequest, { method: 'authenticate' }>,
  ): Promise<Session | undefined> {
    let identity;
    try {
      identity = await this.#options.access.verifyToken(req.params.token);
    } catch (error) {
      connection.logger.error({ err: error }, 'token verification failed');
      connection.fail(req.id, new ProtocolError(ErrorCode.Unavailable, 'Sign-in is unavailable; try again.'));
      return undefined;
    }
    if (identity === null) {
      connection.fail(
        req.id,
        new ProtocolError(ErrorCode.NotAuthenticated, 'The access token is invalid or expired.'),
      );
      connection.close(CloseCode.Unauthenticated, 'invalid token');
      return undefined;
    }
    if (!connection.open || this.#closing) return undefined;

    const resumable =
      req.params.resumeSessionId === undefined ? undefined : this.registry.get(req.params.resumeSessionId);
    if (resumable !== undefined && !resumable.closed && resumable.identity.userId === identity.userId) {
      const previous = resumable.connection;
      resumable.attach(connection);
      previous?.close(CloseCode.Replaced, 'session resumed on another connection');
      connection.respond(req.id, this.#authenticateResult(resumable, true));
      resumable.logger.info({ connectionId: connection.id }, 'session resumed');
      await this.#sendFloorStates(resumable);
      this.#ctx.emergency?.authenticated(resumable);
      return resumable;
    }

    const maxSessions = this.#options.maxSessionsPerUser ?? 10;
    const open = this.registry.ofUser(identity.userId).filter((existing) => !existing.closed).length;
    if (open >= maxSessions) {
      connection.logger.warn({ userId: identity.userId, open }, 'session cap reached');
      connection.fail(
        req.id,
        new ProtocolError(
          ErrorCode.RateLimited,
          `This account already has ${open} open sessions (the limit is ${maxSessions}); close one on another device or tab first.`,
        ),
      );
      connection.close(CloseCode.TooManySessions, 'too many sessions');
      return undefined;
    }

    try {
      await this.rights.load(identity.userId);
    } catch (error) {
      if (this.registry.ofUser(identity.userId).length === 0) this.rights.forget(identity.userId);
      connection.logger.error({ err: error }, 'channel assignments could not be loaded');
      connection.fail(req.id, new ProtocolError(ErrorCode.Unavailable, 'Sign-in is unavailable; try again.'));
      return undefined;
    }
    if (!connection.open || this.#closing) {
      if (this.registry.ofUser(identity.userId).length === 0) this.rights.forget(identity.userId);
      return undefined;
    }

    const sessionId = randomUUID();
    const logger = connection.logger.child({ sessionId, userId: identity.userId });
    const session = new Session({
      id: sessionId,
      identity,
      media: this.#newMedia(identity, logger),
      connection,
      logger,
    });
    this.#watchMedia(session);
    this.registry.add(session);
    connection.respond(req.id, this.#authenticateResult(session, false));
    logger.info({ worker: session.media.worker.index, role: identity.role }, 'session authenticated');
    this.#ctx.emergency?.authenticated(session);
    return session;
  }

  #authenticateResult(session: Session, resumed: boolean): AuthenticateResult {
    const { identity } = session;
    return {
      sessionId: session.id,
      resumed,
      user: { userId: identity.userId, displayName: identity.displayName, role: identity.role },
      routerRtpCapabilities: session.media.worker.router.rtpCapabilities,
      floor: {
        ttlMs: this.#options.floor.ttlMs,
        heartbeatIntervalMs: Math.max(250, Math.floor(this.#options.floor.ttlMs / 3)),
        maxDurationMs: this.#options.floor.maxDurationMs,
      },
    };
  }

  #newMedia(talker: { userId: string; displayName: string }, logger: Logger): SessionMedia {
    return createSessionMedia({
      pool: this.#options.pool,
      streams: this.#options.streams,
      iceServers: () => this.#options.iceServers(talker.userId),
      ...(this.#options.recorder !== undefined ? { recorder: this.#options.recorder } : {}),
      talker,
      iceTransportPolicy: this.#options.iceTransportPolicy,
      logger,
      ...(this.#options.silence !== undefined ? { silence: this.#options.silence } : {}),
    });
  }

  #watchMedia(session: Session): void {
    const media = session.media;
    media.events.on('transportState', (state) => session.notify('transportStateChanged', state));
    media.events.on('listenLost', ({ channelId }) => {
      this.#resetMedia(session, `The audio of channel ${channelId} was interrupted.`);
    });
    media.events.on('talkerSilent', ({ channelId, grantId }) => {
      if (session.grantOn(channelId)?.grantId !== grantId) return;
      // Revoked on this node (the holder's): floorRevoked 'media_timeout' to the holder, idle to everyone.
      this.#options.floor
        .revoke(channelId, session.identity.userId, 'media_timeout')
        .catch((error: unknown) => {
          session.logger.warn({ err: error, channelId }, 'could not revoke a silent holder');
        });
    });
    media.events.on('transportLost', ({ direction }) => {
      this.#resetMedia(session, `The server lost this session's ${direction} transport.`);
    });
  }

  /** Tells the client what each joined channel's floor is now (after a resume, notifications were missed). */
  async #sendFloorStates(session: Session): Promise<void> {
    for (const channelId of session.joined) {
      try {
        const grant = await this.#options.floor.current(channelId);
        if (grant === null) session.notify('floorIdle', { channelId });
        else
          session.notify('floorTaken', {
            channelId,
            holder: { userId: grant.holder.userId, displayName: grant.holder.displayName },
            grant: grant.fence,
          });
      } catch (error) {
        session.logger.warn({ err: error, channelId }, 'floor state unavailable after resume');
      }
    }
  }

  /**
   * Gives a session fresh media on a live worker (its worker or a channel stream it listened to died). The
   * client is told to rebuild its transports and rejoin; floors it holds stay held, and its talk gates reopen
   * when its new microphone producer and channels are back.
   */
  #resetMedia(session: Session, reason: string): void {
    if (session.closed) return;
    // Several losses of one media object (worker death closes everything at once) make one reset: the old
    // media's listeners are removed when it is replaced.
    for (const channelId of [...session.joined]) this.registry.leave(session, channelId);
    try {
      session.replaceMedia(this.#newMedia(session.identity, session.logger));
    } catch (error) {
      session.logger.error({ err: error }, 'no media worker for a session reset; closing the session');
      session.connection?.close(CloseCode.Reset, 'media unavailable');
      void this.#endSession(session);
      return;
    }
    this.#watchMedia(session);
    session.logger.warn({ reason, worker: session.media.worker.index }, 'session media reset');
    session.notify('mediaReset', { reason });
  }

  readonly #onWorkerReplaced = ({ dead }: { dead: MediaWorker }): void => {
    const lostChannels = new Set(this.#options.streams.workerDied(dead));
    for (const session of [...this.registry.all()]) {
      const affected =
        session.media.worker === dead || [...session.joined].some((channelId) => lostChannels.has(channelId));
      if (affected) this.#resetMedia(session, 'A media server process restarted.');
    }
  };

  #dispatch(
    session: Session,
    connection: Connection,
    req: Exclude<ParsedRequest, { method: 'authenticate' }>,
  ): void {
    handleRequest(this.#ctx, session, req).then(
      (result) => connection.respond(req.id, result),
      (error: unknown) => {
        const { error: protocolError, internal } = toProtocolError(error);
        this.#options.observer.protocolError(protocolError.code);
        if (internal) session.logger.error({ err: error, method: req.method }, 'request failed');
        else session.logger.debug({ method: req.method, code: protocolError.code }, 'request refused');
        connection.fail(req.id, protocolError);
      },
    );
  }

  /**
   * The socket of a session closed: its audio stops and its floors are released at once; the rest of the
   * session waits `resumeGraceMs` for the client to come back.
   */
  async #detach(session: Session): Promise<void> {
    if (session.closed) return;
    const grace = this.#options.resumeGraceMs ?? 15_000;
    session.detach(grace, () => void this.#endSession(session));
    for (const channelId of [...session.grants.keys()]) await session.media.stopTalking(channelId);
    session.grants.clear();
    try {
      await this.#options.floor.releaseSession(session.id, 'disconnected');
    } catch (error) {
      session.logger.warn(
        { err: error },
        'could not release floors of a dropped session; they expire by TTL',
      );
    }
    session.logger.info({ graceMs: grace }, 'session detached');
  }

  async #endSession(session: Session): Promise<void> {
    if (session.closed) return;
    // Audio stops first (media closes synchronously), then the locks are given back.
    this.registry.remove(session);
    session.close();
    if (this.registry.ofUser(session.identity.userId).length === 0)
      this.rights.forget(session.identity.userId);
    try {
      await this.#options.floor.releaseSession(session.id, 'disconnected');
    } catch (error) {
      session.logger.warn({ err: error }, 'could not release floors of a closed session; they expire by TTL');
    }
    session.logger.info('session ended');
  }

  /** Takes a joined channel away from a session: floor revoked, consumer closed, client told why. */
  async #removeChannel(session: Session, channelId: string, reason: string): Promise<void> {
    if (!session.joined.has(channelId)) return;
    if (session.grantOn(channelId) !== undefined) {
      this.#options.observer.floorRevoked('removed_from_channel');
      session.notify('floorRevoked', { channelId, reason: 'removed_from_channel' });
    }
    try {
      await leave(this.#ctx, session, channelId);
    } catch (error) {
      session.logger.warn({ err: error, channelId }, 'could not leave channel after access removal');
    }
    session.notify('channelAccessRevoked', { channelId, reason });
    session.logger.info({ channelId, reason }, 'channel access removed');
  }

  async #onAccessRemoved(change: AccessRemoved): Promise<void> {
    this.rights.removed(change);
    for (const session of this.registry.ofUser(change.userId)) {
      const channels = change.kind === 'channel' ? [change.channelId] : [...session.joined];
      for (const channelId of channels) await this.#removeChannel(session, channelId, change.reason);
      if (change.kind === 'user') {
        session.connection?.close(CloseCode.Forbidden, change.reason.slice(0, 100));
        await this.#endSession(session);
      }
    }
  }

  /**
   * Re-checks every session's joined channels against the database, so a removal whose bus message was lost
   * still takes effect: channels no longer allowed are taken away as a live removal would.
   */
  async #reconcile(): Promise<void> {
    const users = [...new Set([...this.registry.all()].map((session) => session.identity.userId))];
    if (users.length === 0) return;
    const fresh = await this.rights.refresh(users);
    for (const [userId, channels] of fresh) {
      for (const session of this.registry.ofUser(userId)) {
        for (const channelId of [...session.joined]) {
          if (channels.has(channelId)) continue;
          session.logger.warn({ channelId }, 'reconciliation found a channel no longer assigned');
          await this.#removeChannel(session, channelId, 'unassigned');
        }
      }
    }
  }

  /** Graceful shutdown: tell clients to reconnect, then close every session (releasing floors). */
  async close(reconnectAfterMs = 1000): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    await this.#reconciler?.close();
    this.#server?.off('upgrade', this.#onUpgrade);
    for (const cleanup of this.#cleanups) cleanup();
    const sessions = [...this.registry.all()];
    for (const session of sessions) session.notify('serverShuttingDown', { reconnectAfterMs });
    this.#options.pool.events.off('workerReplaced', this.#onWorkerReplaced);
    for (const connection of this.#connections)
      connection.close(CloseCode.ServerShuttingDown, 'server shutting down');
    await Promise.all(sessions.map((session) => this.#endSession(session)));
    this.#wss.close();
  }
}
