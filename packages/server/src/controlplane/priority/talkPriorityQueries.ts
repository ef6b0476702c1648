import type { TalkPriorities } from '../../floor/priority';
import type { Executor } from '../repositories/executor';
import type { EventRole } from '../types';

/** The event's priorities per role; undefined when the event does not exist. */
export async function findTalkPriorities(db: Executor, eventId: string): Promise<TalkPriorities | undefined> {
  const row = await db
    .selectFrom('events')
    .select(['dispatch_priority', 'general_priority'])
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row === undefined ? undefined : { dispatch: row.dispatch_priority, general: row.general_priority };
}

export async function updateTalkPriorities(
  db: Executor,
  eventId: string,
  priorities: TalkPriorities,
): Promise<TalkPriorities | undefined> {
  const row = await db
    .updateTable('events')
    .set({ dispatch_priority: priorities.dispatch, general_priority: priorities.general })
    .where('id', '=', eventId)
    .returning(['dispatch_priority', 'general_priority'])
    .executeTakeFirst();
  return row === undefined ? undefined : { dispatch: row.dispatch_priority, general: row.general_priority };
}

/**
 * What decides a user's priority on a channel: the channel's event settings, the user's role in that event
 * (undefined when not a member) and whether the user is an administrator. Undefined for an unknown channel or
 * user.
 */
export async function talkContextOf(
  db: Executor,
  userId: string,
  channelId: string,
): Promise<
  { eventId: string; priorities: TalkPriorities; role: EventRole | undefined; isAdmin: boolean } | undefined
> {
  const row = await db
    .selectFrom('channels')
    .innerJoin('teams', 'teams.id', 'channels.team_id')
    .innerJoin('events', 'events.id', 'teams.event_id')
    .innerJoin('users', (join) => join.on('users.id', '=', userId))
    .leftJoin('event_members', (join) =>
      join.onRef('event_members.event_id', '=', 'events.id').on('event_members.user_id', '=', userId),
    )
    .select([
      'events.id as eventId',
      'events.dispatch_priority',
      'events.general_priority',
      'event_members.role',
      'users.is_admin',
    ])
    .where('channels.id', '=', channelId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    eventId: row.eventId,
    priorities: { dispatch: row.dispatch_priority, general: row.general_priority },
    role: row.role ?? undefined,
    isAdmin: row.is_admin,
  };
}
