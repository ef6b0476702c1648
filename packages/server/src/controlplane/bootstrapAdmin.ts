import { sql } from 'kysely';
import type { PasswordHasher } from './auth/passwordHasher';
import { assertStrongPassword } from './auth/passwordPolicy';
import { recordAudit } from './repositories/audit';
import { insertUser, toUserView, userCount } from './repositories/users';
import type { ServiceContext } from './services/context';
import type { UserView } from './types';

export interface InitialAdmin {
  email: string;
  displayName: string;
  password: string;
}

/**
 * Creates the first administrator of an empty database (no users at all), so a deployment without the demo
 * seed can be reached. Returns null when users exist already; never changes an existing account.
 */
export async function bootstrapAdmin(
  ctx: ServiceContext,
  hasher: PasswordHasher,
  admin: InitialAdmin,
): Promise<UserView | null> {
  if ((await userCount(ctx.db)) > 0) return null;
  assertStrongPassword(admin.password, [admin.email, admin.displayName]);
  const passwordHash = await hasher.hash(admin.password);
  const created = await ctx.db.transaction().execute(async (tx) => {
    // The same lock as the demo seed: only one node fills an empty database.
    await sql`select pg_advisory_xact_lock(hashtext('squelch.demo-seed'))`.execute(tx);
    if ((await userCount(tx)) > 0) return null;
    const user = await insertUser(tx, {
      email: admin.email.trim(),
      display_name: admin.displayName.trim(),
      password_hash: passwordHash,
      is_admin: true,
    });
    await recordAudit(tx, {
      actorId: null,
      action: 'user.bootstrap_admin',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email },
    });
    return toUserView(user);
  });
  if (created !== null) ctx.logger.info({ userId: created.id }, 'initial administrator created');
  return created;
}
