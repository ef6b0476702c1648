import { accessPairs, lostPairs, type AccessPair } from '../access/accessPairs';
import { requireAdmin } from '../access/policy';
import type { PasswordHasher } from '../auth/passwordHasher';
import { assertStrongPassword } from '../auth/passwordPolicy';
import { conflict, notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import { isUniqueViolation } from '../repositories/executor';
import { revokeRefreshTokensOfUser } from '../repositories/refreshTokens';
import {
  findUserById,
  insertUser,
  listUsers,
  toUserView,
  updateUser,
  type UserChanges,
} from '../repositories/users';
import type { Actor, UserView } from '../types';
import { announceLostAccess, type ServiceContext } from './context';

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  isAdmin?: boolean;
}

export interface UserUpdate {
  email?: string;
  displayName?: string;
  isAdmin?: boolean;
  disabled?: boolean;
}

const emailTaken = () => conflict('A user with this e-mail address already exists.');

/** User accounts: an admin setting. */
export class UserService {
  readonly #ctx: ServiceContext;
  readonly #hasher: PasswordHasher;

  constructor(ctx: ServiceContext, hasher: PasswordHasher) {
    this.#ctx = ctx;
    this.#hasher = hasher;
  }

  async list(actor: Actor, options: { search?: string; limit: number; offset: number }): Promise<UserView[]> {
    requireAdmin(actor);
    return (await listUsers(this.#ctx.db, options)).map(toUserView);
  }

  async get(actor: Actor, userId: string): Promise<UserView> {
    requireAdmin(actor);
    const user = await findUserById(this.#ctx.db, userId);
    if (user === undefined) throw notFound('User');
    return toUserView(user);
  }

  async create(actor: Actor, input: NewUser): Promise<UserView> {
    requireAdmin(actor);
    assertStrongPassword(input.password, [input.email, input.displayName]);
    const passwordHash = await this.#hasher.hash(input.password);
    try {
      return await this.#ctx.db.transaction().execute(async (tx) => {
        const user = await insertUser(tx, {
          email: input.email.trim(),
          display_name: input.displayName.trim(),
          password_hash: passwordHash,
          is_admin: input.isAdmin ?? false,
        });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'user.create',
          targetType: 'user',
          targetId: user.id,
          details: { email: user.email, displayName: user.display_name, isAdmin: user.is_admin },
        });
        return toUserView(user);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /** Changes profile, admin flag or disabled state. Disabling ends the user's sessions. */
  async update(actor: Actor, userId: string, input: UserUpdate): Promise<UserView> {
    requireAdmin(actor);
    if (userId === actor.userId && (input.isAdmin === false || input.disabled === true)) {
      throw conflict('You cannot remove your own administrator role or disable yourself.');
    }
    const changes: UserChanges = {};
    if (input.email !== undefined) changes.email = input.email.trim();
    if (input.displayName !== undefined) changes.display_name = input.displayName.trim();
    if (input.isAdmin !== undefined) changes.is_admin = input.isAdmin;
    if (input.disabled !== undefined) changes.disabled = input.disabled;

    let lost: AccessPair[] = [];
    let newlyDisabled = false;
    let adminRevoked = false;
    let result: UserView;
    try {
      result = await this.#ctx.db.transaction().execute(async (tx) => {
        const before = await findUserById(tx, userId);
        if (before === undefined) throw notFound('User');
        newlyDisabled = input.disabled === true && !before.disabled;
        adminRevoked = input.isAdmin === false && before.is_admin;
        if (newlyDisabled) changes.sessions_revoked_at = new Date();
        const access = newlyDisabled || adminRevoked ? await accessPairs(tx, { userId }) : [];
        if (Object.keys(changes).length === 0) return toUserView(before);
        const after = await updateUser(tx, userId, changes);
        if (after === undefined) throw notFound('User');
        if (newlyDisabled) await revokeRefreshTokensOfUser(tx, userId, 'disabled');
        if (access.length > 0) lost = lostPairs(access, await accessPairs(tx, { userId }));
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'user.update',
          targetType: 'user',
          targetId: userId,
          details: { ...input },
        });
        return toUserView(after);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    if (newlyDisabled) {
      this.#ctx.events.emit('userDisabled', { userId });
      this.#ctx.logger.info({ userId }, 'user disabled');
    }
    announceLostAccess(this.#ctx, lost, newlyDisabled ? 'user_disabled' : 'admin_revoked');
    return result;
  }

  /** Sets a new password and signs the user out everywhere. */
  async resetPassword(actor: Actor, userId: string, password: string): Promise<void> {
    requireAdmin(actor);
    const target = await findUserById(this.#ctx.db, userId);
    if (target === undefined) throw notFound('User');
    assertStrongPassword(password, [target.email, target.display_name]);
    const passwordHash = await this.#hasher.hash(password);
    await this.#ctx.db.transaction().execute(async (tx) => {
      const user = await updateUser(tx, userId, {
        password_hash: passwordHash,
        sessions_revoked_at: new Date(),
      });
      if (user === undefined) throw notFound('User');
      await revokeRefreshTokensOfUser(tx, userId, 'password_reset');
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'user.password_reset',
        targetType: 'user',
        targetId: userId,
      });
    });
  }
}
