import type { RefreshTokenRevocation, RefreshTokenRow } from '../../db/schema';
import type { Executor } from './executor';

export async function insertRefreshToken(
  db: Executor,
  token: { user_id: string; family_id: string; token_hash: string; expires_at: Date },
): Promise<RefreshTokenRow> {
  return db.insertInto('refresh_tokens').values(token).returningAll().executeTakeFirstOrThrow();
}

export async function findRefreshToken(
  db: Executor,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Revokes one token if it is still live; true if this call revoked it (the winner of a race). */
export async function revokeRefreshToken(
  db: Executor,
  id: string,
  reason: RefreshTokenRevocation,
): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function revokeRefreshFamily(
  db: Executor,
  familyId: string,
  reason: RefreshTokenRevocation,
): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeRefreshTokensOfUser(
  db: Executor,
  userId: string,
  reason: RefreshTokenRevocation,
): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Deletes tokens that expired before the given instant. */
export async function deleteExpiredRefreshTokens(db: Executor, before: Date): Promise<void> {
  await db.deleteFrom('refresh_tokens').where('expires_at', '<', before).execute();
}
