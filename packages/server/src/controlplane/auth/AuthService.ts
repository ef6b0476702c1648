import { randomUUID } from 'node:crypto';
import type { UserRow } from '../../db/schema';
import { ControlPlaneError, forbidden, notAuthenticated } from '../errors';
import { recordAudit } from '../repositories/audit';
import {
  deleteExpiredRefreshTokens,
  findRefreshToken,
  insertRefreshToken,
  revokeRefreshFamily,
  revokeRefreshToken,
  revokeRefreshTokensOfUser,
} from '../repositories/refreshTokens';
import { findUserByEmail, findUserById, overallRole, toUserView, updateUser } from '../repositories/users';
import type { ServiceContext } from '../services/context';
import type { Actor, Identity, Role, UserView } from '../types';
import type { AccessTokens } from './accessTokens';
import type { LoginLimiter } from './loginLimiter';
import type { PasswordHasher } from './passwordHasher';
import { assertStrongPassword } from './passwordPolicy';
import { hashRefreshToken, newRefreshToken } from './refreshTokenValue';

/** What a successful login or refresh hands to the client. */
export interface Session {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: UserView & { role: Role };
  /** A new refresh token to set as the cookie; absent when the cookie already holds the current one. */
  refresh?: { token: string; expiresAt: Date };
}

export interface AuthServiceOptions {
  refreshTokenTtlSec: number;
  /**
   * For this long after a refresh token was rotated, presenting it again yields an access token without a new
   * refresh token (two tabs refreshing at once). Later reuse is treated as theft and ends the whole session.
   */
  rotationGraceSec: number;
}

const WRONG_CREDENTIALS = 'E-mail address or password is incorrect.';
const SESSION_ENDED = 'Your session has ended. Sign in again.';
const PRUNE_INTERVAL_MS = 3_600_000;

/** Sign-in, session refresh and sign-out; checks access tokens against the current state of the user. */
export class AuthService {
  readonly #ctx: ServiceContext;
  readonly #hasher: PasswordHasher;
  readonly #tokens: AccessTokens;
  readonly #limiter: LoginLimiter;
  readonly #options: AuthServiceOptions;
  #nextPrune = 0;

  constructor(
    ctx: ServiceContext,
    deps: { hasher: PasswordHasher; tokens: AccessTokens; limiter: LoginLimiter },
    options: AuthServiceOptions,
  ) {
    this.#ctx = ctx;
    this.#hasher = deps.hasher;
    this.#tokens = deps.tokens;
    this.#limiter = deps.limiter;
    this.#options = options;
  }

  /**
   * Checks e-mail and password. Unknown addresses and wrong passwords get the same answer after the same
   * amount of work; attempts are rate limited per client address and e-mail, failures per address and per
   * account (see LoginLimiter).
   */
  async login(email: string, password: string, clientIp: string): Promise<Session> {
    this.#limiter.attempt(clientIp, email);
    const user = await findUserByEmail(this.#ctx.db, email.trim());
    const valid =
      user === undefined
        ? await this.#hasher.verifyAgainstDummy(password)
        : await this.#hasher.verify(user.password_hash, password);
    if (user === undefined || !valid) {
      this.#limiter.failed(clientIp, email);
      this.#ctx.logger.info({ clientIp }, 'login refused');
      throw notAuthenticated(WRONG_CREDENTIALS);
    }
    // Only someone who knows the password learns that the account is disabled.
    if (user.disabled) throw forbidden('This account is disabled.');
    this.#limiter.succeeded(clientIp, email);
    await this.#pruneExpired();
    const session = await this.#issue(user, randomUUID());
    this.#ctx.logger.info({ userId: user.id }, 'signed in');
    return session;
  }

  /** Exchanges a refresh token for a new access token and a new refresh token (rotation). */
  async refresh(refreshToken: string): Promise<Session> {
    const db = this.#ctx.db;
    const row = await findRefreshToken(db, hashRefreshToken(refreshToken));
    const now = Date.now();
    if (row === undefined || row.expires_at.getTime() <= now) throw notAuthenticated(SESSION_ENDED);
    if (row.revoked_at !== null) {
      const withinGrace = now - row.revoked_at.getTime() <= this.#options.rotationGraceSec * 1000;
      if (row.revoked_reason === 'rotated' && withinGrace) return this.#issueAccessOnly(row.user_id);
      if (row.revoked_reason === 'rotated') {
        await revokeRefreshFamily(db, row.family_id, 'reuse');
        this.#ctx.logger.warn({ userId: row.user_id }, 'rotated refresh token reused; session ended');
      }
      throw notAuthenticated(SESSION_ENDED);
    }
    const user = await findUserById(db, row.user_id);
    if (user === undefined || user.disabled) throw notAuthenticated(SESSION_ENDED);
    // Only the request that revokes the old token rotates it; a parallel one gets an access token only.
    if (!(await revokeRefreshToken(db, row.id, 'rotated'))) return this.#issueAccessOnly(row.user_id);
    return this.#issue(user, row.family_id);
  }

  /**
   * A signed-in person changes their own password: the current one must be given (rate limited like a
   * sign-in), the new one must pass the password policy. Every other session of the person ends (refresh
   * tokens revoked, older access tokens refused); this device gets a fresh session.
   */
  async changePassword(
    actor: Actor,
    currentPassword: string,
    newPassword: string,
    clientIp: string,
  ): Promise<Session> {
    const db = this.#ctx.db;
    const user = await findUserById(db, actor.userId);
    if (user === undefined || user.disabled) throw notAuthenticated(SESSION_ENDED);
    this.#limiter.attempt(clientIp, user.email);
    if (!(await this.#hasher.verify(user.password_hash, currentPassword))) {
      this.#limiter.failed(clientIp, user.email);
      throw forbidden('The current password is incorrect.');
    }
    this.#limiter.succeeded(clientIp, user.email);
    if (newPassword === currentPassword) {
      throw new ControlPlaneError('bad_request', 'The new password must differ from the current one.');
    }
    assertStrongPassword(newPassword, [user.email, user.display_name]);
    const passwordHash = await this.#hasher.hash(newPassword);
    // Whole seconds, like access tokens' `iat`: the token issued below (same second) stays valid.
    const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const updated = await db.transaction().execute(async (tx) => {
      const row = await updateUser(tx, user.id, {
        password_hash: passwordHash,
        sessions_revoked_at: revokedAt,
      });
      await revokeRefreshTokensOfUser(tx, user.id, 'password_changed');
      await recordAudit(tx, {
        actorId: user.id,
        action: 'user.password_changed',
        targetType: 'user',
        targetId: user.id,
      });
      return row;
    });
    if (updated === undefined) throw notAuthenticated(SESSION_ENDED);
    this.#ctx.logger.info({ userId: user.id }, 'password changed');
    return this.#issue(updated, randomUUID());
  }

  /**
   * Starts a new session for a person whose identity was proven another way (a single-use sign-in code).
   * Refused for a disabled account.
   */
  async startSession(userId: string): Promise<Session> {
    const user = await findUserById(this.#ctx.db, userId);
    if (user === undefined) throw notAuthenticated(SESSION_ENDED);
    if (user.disabled) throw forbidden('This account is disabled.');
    await this.#pruneExpired();
    const session = await this.#issue(user, randomUUID());
    this.#ctx.logger.info({ userId: user.id }, 'signed in with a code');
    return session;
  }

  /** Ends the session the refresh token belongs to. Unknown or missing tokens are ignored. */
  async logout(refreshToken: string | undefined): Promise<void> {
    if (refreshToken === undefined || refreshToken === '') return;
    const row = await findRefreshToken(this.#ctx.db, hashRefreshToken(refreshToken));
    if (row === undefined) return;
    await revokeRefreshFamily(this.#ctx.db, row.family_id, 'logout');
    this.#ctx.logger.info({ userId: row.user_id }, 'signed out');
  }

  /** The identity behind a valid access token of an existing, enabled user; null otherwise. */
  async verifyAccessToken(token: string): Promise<Identity | null> {
    const user = await this.#currentUser(token);
    if (user === null) return null;
    return { userId: user.id, displayName: user.display_name, role: await overallRole(this.#ctx.db, user) };
  }

  /** The API caller behind an access token; null when the token or the user is not valid (any more). */
  async authenticate(token: string): Promise<Actor | null> {
    const user = await this.#currentUser(token);
    if (user === null) return null;
    return { userId: user.id, displayName: user.display_name, isAdmin: user.is_admin };
  }

  async #currentUser(token: string): Promise<UserRow | null> {
    const claims = await this.#tokens.verify(token);
    if (claims === null) return null;
    const user = await findUserById(this.#ctx.db, claims.sub);
    if (user === undefined || user.disabled) return null;
    // Tokens issued before a password reset or a disable stop working (second resolution, as `iat`).
    const revokedAt = user.sessions_revoked_at;
    if (revokedAt !== null && claims.iat < Math.floor(revokedAt.getTime() / 1000)) return null;
    return user;
  }

  async #issue(user: UserRow, familyId: string): Promise<Session> {
    const session = await this.#issueAccess(user);
    const token = newRefreshToken();
    const expiresAt = new Date(Date.now() + this.#options.refreshTokenTtlSec * 1000);
    await insertRefreshToken(this.#ctx.db, {
      user_id: user.id,
      family_id: familyId,
      token_hash: hashRefreshToken(token),
      expires_at: expiresAt,
    });
    return { ...session, refresh: { token, expiresAt } };
  }

  async #issueAccessOnly(userId: string): Promise<Session> {
    const user = await findUserById(this.#ctx.db, userId);
    if (user === undefined || user.disabled) throw notAuthenticated(SESSION_ENDED);
    return this.#issueAccess(user);
  }

  async #issueAccess(user: UserRow): Promise<Session> {
    const role = await overallRole(this.#ctx.db, user);
    const accessToken = await this.#tokens.issue({ sub: user.id, name: user.display_name, role });
    return { accessToken, expiresIn: this.#tokens.ttlSec, user: { ...toUserView(user), role } };
  }

  async #pruneExpired(): Promise<void> {
    const now = Date.now();
    if (now < this.#nextPrune) return;
    this.#nextPrune = now + PRUNE_INTERVAL_MS;
    await deleteExpiredRefreshTokens(this.#ctx.db, new Date(now - 86_400_000));
  }
}
