import type { EventRole } from '../../db/schema';
import type { EventMemberView } from '../types';
import type { Executor } from './executor';

export async function eventRoleOf(
  db: Executor,
  eventId: string,
  userId: string,
): Promise<EventRole | undefined> {
  const row = await db
    .selectFrom('event_members')
    .select('role')
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/** Adds the member or changes their role. */
export async function setEventRole(
  db: Executor,
  eventId: string,
  userId: string,
  role: EventRole,
): Promise<void> {
  await db
    .insertInto('event_members')
    .values({ event_id: eventId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['event_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}

export async function removeEventMember(db: Executor, eventId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('event_members')
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listEventMembers(db: Executor, eventId: string): Promise<EventMemberView[]> {
  const rows = await db
    .selectFrom('event_members')
    .innerJoin('users', 'users.id', 'event_members.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.disabled', 'event_members.role'])
    .where('event_members.event_id', '=', eventId)
    .orderBy('users.display_name')
    .orderBy('users.id')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    displayName: r.display_name,
    disabled: r.disabled,
    role: r.role,
  }));
}

/** The user's role in each event they belong to. */
export async function membershipsOf(
  db: Executor,
  userId: string,
): Promise<{ eventId: string; role: EventRole }[]> {
  const rows = await db
    .selectFrom('event_members')
    .select(['event_id', 'role'])
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => ({ eventId: r.event_id, role: r.role }));
}
