import { sql } from 'kysely';
import type { NewUserRow, UserRow } from '../../db/schema';
import type { Role, UserView } from '../types';
import type { Executor } from './executor';

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    isAdmin: row.is_admin,
    disabled: row.disabled,
    createdAt: row.created_at,
  };
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function insertUser(db: Executor, user: NewUserRow): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export interface UserChanges {
  email?: string;
  display_name?: string;
  is_admin?: boolean;
  disabled?: boolean;
  password_hash?: string;
  sessions_revoked_at?: Date;
}

export async function updateUser(
  db: Executor,
  id: string,
  changes: UserChanges,
): Promise<UserRow | undefined> {
  return db.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function listUsers(
  db: Executor,
  options: { search?: string; limit: number; offset: number },
): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (options.search !== undefined && options.search !== '') {
    const pattern = `%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb(sql`lower(email)`, 'like', pattern), eb(sql`lower(display_name)`, 'like', pattern)]),
    );
  }
  return query.orderBy('display_name').orderBy('id').limit(options.limit).offset(options.offset).execute();
}

export async function userCount(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Admin if the global flag is set, otherwise the highest per-event role ('general' with none). */
export async function overallRole(db: Executor, user: Pick<UserRow, 'id' | 'is_admin'>): Promise<Role> {
  if (user.is_admin) return 'admin';
  const dispatch = await db
    .selectFrom('event_members')
    .select('event_id')
    .where('user_id', '=', user.id)
    .where('role', '=', 'dispatch')
    .limit(1)
    .executeTakeFirst();
  return dispatch !== undefined ? 'dispatch' : 'general';
}
