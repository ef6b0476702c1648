import type { ChannelView } from '../types';
import type { Executor } from './executor';

/** A channel row with the event it belongs to (through its team). */
export interface ChannelRecord {
  id: string;
  team_id: string;
  event_id: string;
  name: string;
  created_at: Date;
}

export function toChannelView(row: ChannelRecord): ChannelView {
  return {
    id: row.id,
    teamId: row.team_id,
    eventId: row.event_id,
    name: row.name,
    createdAt: row.created_at,
  };
}

function selectChannels(db: Executor) {
  return db
    .selectFrom('channels')
    .innerJoin('teams', 'teams.id', 'channels.team_id')
    .select(['channels.id', 'channels.team_id', 'teams.event_id', 'channels.name', 'channels.created_at']);
}

export async function findChannel(db: Executor, id: string): Promise<ChannelRecord | undefined> {
  return selectChannels(db).where('channels.id', '=', id).executeTakeFirst();
}

export async function listChannelsOfTeam(db: Executor, teamId: string): Promise<ChannelRecord[]> {
  return selectChannels(db).where('channels.team_id', '=', teamId).orderBy('channels.name').execute();
}

export async function channelIdsOfTeam(db: Executor, teamId: string): Promise<string[]> {
  const rows = await db.selectFrom('channels').select('id').where('team_id', '=', teamId).execute();
  return rows.map((r) => r.id);
}

export async function channelIdsOfEvent(db: Executor, eventId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('channels')
    .innerJoin('teams', 'teams.id', 'channels.team_id')
    .select('channels.id')
    .where('teams.event_id', '=', eventId)
    .execute();
  return rows.map((r) => r.id);
}

export async function insertChannel(
  db: Executor,
  channel: { team_id: string; name: string },
  eventId: string,
): Promise<ChannelRecord> {
  const row = await db.insertInto('channels').values(channel).returningAll().executeTakeFirstOrThrow();
  return { ...row, event_id: eventId };
}

export async function renameChannel(db: Executor, id: string, name: string): Promise<void> {
  await db.updateTable('channels').set({ name }).where('id', '=', id).execute();
}

export async function deleteChannel(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('channels').where('id', '=', id).execute();
}
