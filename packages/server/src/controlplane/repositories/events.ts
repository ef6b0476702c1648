import type { EventRow } from '../../db/schema';
import type { EventView } from '../types';
import type { Executor } from './executor';

export function toEventView(row: EventRow): EventView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    headphonesRequired: row.dispatch_headphones_required,
    createdAt: row.created_at,
  };
}

export async function findEvent(db: Executor, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAllEvents(db: Executor): Promise<EventRow[]> {
  return db.selectFrom('events').selectAll().orderBy('name').orderBy('id').execute();
}

/** Events the user is a member of, in any role. */
export async function listEventsOfMember(db: Executor, userId: string): Promise<EventRow[]> {
  return db
    .selectFrom('events')
    .innerJoin('event_members', 'event_members.event_id', 'events.id')
    .selectAll('events')
    .where('event_members.user_id', '=', userId)
    .orderBy('events.name')
    .orderBy('events.id')
    .execute();
}

export async function insertEvent(
  db: Executor,
  event: { name: string; description: string; dispatch_headphones_required?: boolean },
): Promise<EventRow> {
  return db.insertInto('events').values(event).returningAll().executeTakeFirstOrThrow();
}

export async function updateEvent(
  db: Executor,
  id: string,
  changes: { name?: string; description?: string; dispatch_headphones_required?: boolean },
): Promise<EventRow | undefined> {
  return db.updateTable('events').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteEvent(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('events').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
