import type { Executor } from '../repositories/executor';

/** One user allowed to use one channel. */
export interface AccessPair {
  userId: string;
  channelId: string;
}

/** Which pairs to compute; an absent filter means "all". */
export interface AccessScope {
  userId?: string;
  /** Several users at once (with `userId`, both filters apply). */
  userIds?: readonly string[];
  channelIds?: readonly string[];
}

/**
 * Every (user, channel) pair where the user may use the channel now, within the scope. A user who is not
 * disabled may use a channel if they are a global admin, a dispatcher of the channel's event, or a member of
 * the event assigned to the channel.
 */
export async function accessPairs(db: Executor, scope: AccessScope): Promise<AccessPair[]> {
  if (scope.channelIds !== undefined && scope.channelIds.length === 0) return [];
  if (scope.userIds !== undefined && scope.userIds.length === 0) return [];
  const channelIds = scope.channelIds;
  const userId = scope.userId;
  const userIds = scope.userIds;

  const admins = db
    .selectFrom('users')
    .crossJoin('channels')
    .select(['users.id as userId', 'channels.id as channelId'])
    .where('users.is_admin', '=', true)
    .where('users.disabled', '=', false)
    .$if(userId !== undefined, (q) => q.where('users.id', '=', userId!))
    .$if(userIds !== undefined, (q) => q.where('users.id', 'in', userIds!))
    .$if(channelIds !== undefined, (q) => q.where('channels.id', 'in', channelIds!));

  const dispatchers = db
    .selectFrom('event_members')
    .innerJoin('users', 'users.id', 'event_members.user_id')
    .innerJoin('teams', 'teams.event_id', 'event_members.event_id')
    .innerJoin('channels', 'channels.team_id', 'teams.id')
    .select(['users.id as userId', 'channels.id as channelId'])
    .where('event_members.role', '=', 'dispatch')
    .where('users.disabled', '=', false)
    .$if(userId !== undefined, (q) => q.where('users.id', '=', userId!))
    .$if(userIds !== undefined, (q) => q.where('users.id', 'in', userIds!))
    .$if(channelIds !== undefined, (q) => q.where('channels.id', 'in', channelIds!));

  const assigned = db
    .selectFrom('channel_members')
    .innerJoin('users', 'users.id', 'channel_members.user_id')
    .innerJoin('channels', 'channels.id', 'channel_members.channel_id')
    .innerJoin('teams', 'teams.id', 'channels.team_id')
    .innerJoin('event_members', (join) =>
      join
        .onRef('event_members.event_id', '=', 'teams.event_id')
        .onRef('event_members.user_id', '=', 'channel_members.user_id'),
    )
    .select(['users.id as userId', 'channels.id as channelId'])
    .where('users.disabled', '=', false)
    .$if(userId !== undefined, (q) => q.where('users.id', '=', userId!))
    .$if(userIds !== undefined, (q) => q.where('users.id', 'in', userIds!))
    .$if(channelIds !== undefined, (q) => q.where('channels.id', 'in', channelIds!));

  return admins.union(dispatchers).union(assigned).execute();
}

const pairKey = (pair: AccessPair): string => `${pair.userId}/${pair.channelId}`;

/** The pairs in `before` that are missing from `after`. */
export function lostPairs(before: readonly AccessPair[], after: readonly AccessPair[]): AccessPair[] {
  const still = new Set(after.map(pairKey));
  return before.filter((pair) => !still.has(pairKey(pair)));
}
