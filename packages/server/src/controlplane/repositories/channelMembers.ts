import type { ChannelMemberView } from '../types';
import type { Executor } from './executor';

/** Assigns the user to the channel; true if they were not assigned before. */
export async function addChannelMember(db: Executor, channelId: string, userId: string): Promise<boolean> {
  const rows = await db
    .insertInto('channel_members')
    .values({ channel_id: channelId, user_id: userId })
    .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
    .returning('user_id')
    .execute();
  return rows.length > 0;
}

export async function removeChannelMember(db: Executor, channelId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('channel_members')
    .where('channel_id', '=', channelId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Removes the user from every channel of the event. */
export async function removeMemberFromEventChannels(
  db: Executor,
  eventId: string,
  userId: string,
): Promise<void> {
  await db
    .deleteFrom('channel_members')
    .where('user_id', '=', userId)
    .where('channel_id', 'in', (eb) =>
      eb
        .selectFrom('channels')
        .innerJoin('teams', 'teams.id', 'channels.team_id')
        .select('channels.id')
        .where('teams.event_id', '=', eventId),
    )
    .execute();
}

export async function listChannelMembers(db: Executor, channelId: string): Promise<ChannelMemberView[]> {
  const rows = await db
    .selectFrom('channel_members')
    .innerJoin('users', 'users.id', 'channel_members.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.disabled'])
    .where('channel_members.channel_id', '=', channelId)
    .orderBy('users.display_name')
    .orderBy('users.id')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    displayName: r.display_name,
    disabled: r.disabled,
  }));
}
