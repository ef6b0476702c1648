import type { Logger } from 'pino';
import { openDatabase, type Database, type DatabaseConfig } from '../db/Database';
import { TypedEmitter } from '../util/TypedEmitter';
import { accessPairs } from './access/accessPairs';
import { AccessTokens } from './auth/accessTokens';
import { AuthService } from './auth/AuthService';
import { LoginLimiter, defaultLoginRateLimit, type LoginRateLimit } from './auth/loginLimiter';
import { PasswordHasher, defaultPasswordHashing, type PasswordHashingOptions } from './auth/passwordHasher';
import { bootstrapAdmin, type InitialAdmin } from './bootstrapAdmin';
import { seedDemoIfEmpty, type DemoAccount } from './demoSeed';
import type { ControlPlaneEvents } from './events';
import type { Executor } from './repositories/executor';
import { AssignmentService } from './services/AssignmentService';
import { AuditService } from './services/AuditService';
import { ChannelService } from './services/ChannelService';
import type { ServiceContext } from './services/context';
import { EventService } from './services/EventService';
import { MeService } from './services/MeService';
import { MembershipService } from './services/MembershipService';
import { TalkPriorityService } from './priority/TalkPriorityService';
import { RosterService } from './roster/RosterService';
import { SigninCodeService } from './signin/SigninCodeService';
import { TeamService } from './services/TeamService';
import { UserService } from './services/UserService';
import type { Identity, UserView } from './types';

export interface ControlPlaneAuthOptions {
  /** HMAC key for access tokens, at least 32 bytes. Every node of a deployment uses the same one. */
  jwtSecret: string;
  /** Default 900 (15 min). */
  accessTokenTtlSec?: number;
  /** Default 604800 (7 days); each refresh extends it. */
  refreshTokenTtlSec?: number;
  /** Default 10 s; see AuthServiceOptions.rotationGraceSec. */
  refreshRotationGraceSec?: number;
  /** Argon2id cost; default 19 MiB, 2 passes. */
  passwordHashing?: PasswordHashingOptions;
  /** Login attempts per client address and e-mail; default 10 per 5 minutes. */
  loginRateLimit?: LoginRateLimit;
  /** Whether the refresh cookie is marked Secure; default true (HTTPS everywhere). */
  secureCookies?: boolean;
}

export interface ControlPlaneOptions {
  database: DatabaseConfig;
  auth: ControlPlaneAuthOptions;
  logger: Logger;
}

/** The refresh-token cookie's settings. */
export interface RefreshCookieSettings {
  secure: boolean;
  maxAgeSec: number;
}

/** The services behind the REST API. */
export interface ControlPlaneServices {
  auth: AuthService;
  users: UserService;
  events: EventService;
  memberships: MembershipService;
  teams: TeamService;
  channels: ChannelService;
  assignments: AssignmentService;
  me: MeService;
  audit: AuditService;
  roster: RosterService;
  signinCodes: SigninCodeService;
  talkPriority: TalkPriorityService;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Users, roles, events, teams, channels, authentication and authorization, in PostgreSQL or PGlite.
 * Owns its database; `close()` closes it.
 */
export class ControlPlane {
  /** Changes the signalling layer must act on (lost channel access, disabled users). */
  readonly events: TypedEmitter<ControlPlaneEvents>;
  readonly services: ControlPlaneServices;
  /** How the HTTP layer sets the refresh-token cookie. */
  readonly refreshCookie: RefreshCookieSettings;
  readonly #database: Database;
  readonly #ctx: ServiceContext;
  readonly #hasher: PasswordHasher;
  #closing: Promise<void> | undefined;

  private constructor(database: Database, options: ControlPlaneOptions) {
    const logger = options.logger.child({ module: 'controlplane' });
    const auth = options.auth;
    this.#database = database;
    this.events = new TypedEmitter<ControlPlaneEvents>(logger);
    this.#ctx = { db: database.db, events: this.events, logger };
    this.#hasher = new PasswordHasher(auth.passwordHashing ?? defaultPasswordHashing);
    const refreshTokenTtlSec = auth.refreshTokenTtlSec ?? 7 * 86_400;
    this.refreshCookie = { secure: auth.secureCookies ?? true, maxAgeSec: refreshTokenTtlSec };
    const tokens = new AccessTokens(auth.jwtSecret, auth.accessTokenTtlSec ?? 900);
    const limiter = new LoginLimiter(auth.loginRateLimit ?? defaultLoginRateLimit);
    const authService = new AuthService(
      { ...this.#ctx, logger: logger.child({ module: 'auth' }) },
      { hasher: this.#hasher, tokens, limiter },
      {
        refreshTokenTtlSec,
        rotationGraceSec: auth.refreshRotationGraceSec ?? 10,
      },
    );
    this.services = {
      auth: authService,
      users: new UserService(this.#ctx, this.#hasher),
      events: new EventService(this.#ctx),
      memberships: new MembershipService(this.#ctx),
      teams: new TeamService(this.#ctx),
      channels: new ChannelService(this.#ctx),
      assignments: new AssignmentService(this.#ctx),
      me: new MeService(this.#ctx),
      audit: new AuditService(this.#ctx),
      roster: new RosterService(this.#ctx),
      signinCodes: new SigninCodeService(
        { ...this.#ctx, logger: logger.child({ module: 'signin-codes' }) },
        { auth: authService, limiter },
      ),
      talkPriority: new TalkPriorityService(this.#ctx),
    };
  }

  /** Opens the database, applies pending migrations and returns a ready control plane. */
  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    // Validate the auth settings before touching the database.
    new AccessTokens(options.auth.jwtSecret, options.auth.accessTokenTtlSec ?? 900);
    const database = await openDatabase(options.database, options.logger);
    const controlPlane = new ControlPlane(database, options);
    await controlPlane.#hasher.warmUp();
    return controlPlane;
  }

  /** The identity behind a valid access token of an enabled user, as of now; null otherwise. */
  verifyAccessToken(token: string): Promise<Identity | null> {
    return this.services.auth.verifyAccessToken(token);
  }

  /** The database, for rooms beside the control plane that keep tables of their own (recordings). */
  get db(): Executor {
    return this.#ctx.db;
  }

  /** Whether the user may use (listen and talk on) the channel now. */
  async canUseChannel(userId: string, channelId: string): Promise<boolean> {
    if (!UUID.test(userId) || !UUID.test(channelId)) return false;
    return (await accessPairs(this.#ctx.db, { userId, channelIds: [channelId] })).length > 0;
  }

  /**
   * The channels each of the users may use now (one query for all of them); a user missing from the database,
   * disabled or without channels maps to an empty set.
   */
  async channelsOf(userIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const valid = [...new Set(userIds)].filter((userId) => UUID.test(userId));
    const result = new Map<string, Set<string>>(userIds.map((userId) => [userId, new Set<string>()]));
    for (const pair of await accessPairs(this.#ctx.db, { userIds: valid })) {
      result.get(pair.userId)?.add(pair.channelId);
    }
    return result;
  }

  /** The talk priority of the user on the channel (see TalkPriorityService.priorityOn); null if none. */
  async talkPriority(userId: string, channelId: string): Promise<number | null> {
    if (!UUID.test(userId) || !UUID.test(channelId)) return null;
    return this.services.talkPriority.priorityOn(userId, channelId);
  }

  /** Seeds the demo event and accounts into an empty database; null if it had users already. */
  seedDemoIfEmpty(): Promise<DemoAccount[] | null> {
    return seedDemoIfEmpty(this.#ctx, this.#hasher);
  }

  /** Creates the first administrator of an empty database; null if it had users already. */
  bootstrapAdmin(admin: InitialAdmin): Promise<UserView | null> {
    return bootstrapAdmin(this.#ctx, this.#hasher, admin);
  }

  /** Idempotent: closes the database. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.events.removeAllListeners();
      await this.#database.close();
    })();
    return this.#closing;
  }
}
