import { sql } from 'kysely';
import type { Executor } from '../repositories/executor';
import type { EventRole } from '../types';

export interface KnownUser {
  id: string;
  email: string;
  name: string;
  /** The role in this event; undefined when not a member. */
  role: EventRole | undefined;
}

/** What an event holds now, as far as the roster file describes it. */
export interface RosterState {
  eventId: string;
  /** Team name → id. */
  teams: Map<string, string>;
  /** `team\u0000channel` → channel id. */
  channels: Map<string, string>;
  /** Lower-cased e-mail → user (members of the event and people the file names). */
  users: Map<string, KnownUser>;
  /** `userId\u0000channelId` of every assignment in the event. */
  assignments: Set<string>;
}

export const channelKey = (team: string, channel: string): string => `${team}\u0000${channel}`;
export const assignmentKey = (userId: string, channelId: string): string => `${userId}\u0000${channelId}`;

const CHUNK = 1000;

/** Reads the event's teams, channels, members and assignments, and the accounts of the given e-mails. */
export async function loadRosterState(
  db: Executor,
  eventId: string,
  emails: readonly string[],
): Promise<RosterState> {
  const teamRows = await db
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('event_id', '=', eventId)
    .execute();
  const channelRows = await db
    .selectFrom('channels')
    .innerJoin('teams', 'teams.id', 'channels.team_id')
    .select(['channels.id', 'channels.name', 'teams.name as team'])
    .where('teams.event_id', '=', eventId)
    .execute();
  const memberRows = await db
    .selectFrom('event_members')
    .innerJoin('users', 'users.id', 'event_members.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'event_members.role'])
    .where('event_members.event_id', '=', eventId)
    .execute();
  const assignmentRows = await db
    .selectFrom('channel_members')
    .innerJoin('channels', 'channels.id', 'channel_members.channel_id')
    .innerJoin('teams', 'teams.id', 'channels.team_id')
    .select(['channel_members.user_id', 'channel_members.channel_id'])
    .where('teams.event_id', '=', eventId)
    .execute();

  const users = new Map<string, KnownUser>();
  for (const m of memberRows) {
    users.set(m.email.toLowerCase(), { id: m.id, email: m.email, name: m.display_name, role: m.role });
  }
  const unknown = [...new Set(emails.map((e) => e.toLowerCase()))].filter((e) => !users.has(e));
  for (let i = 0; i < unknown.length; i += CHUNK) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'email', 'display_name'])
      .where(sql<string>`lower(email)`, 'in', unknown.slice(i, i + CHUNK))
      .execute();
    for (const u of rows) {
      users.set(u.email.toLowerCase(), { id: u.id, email: u.email, name: u.display_name, role: undefined });
    }
  }
  return {
    eventId,
    teams: new Map(teamRows.map((t) => [t.name, t.id])),
    channels: new Map(channelRows.map((c) => [channelKey(c.team, c.name), c.id])),
    users,
    assignments: new Set(assignmentRows.map((a) => assignmentKey(a.user_id, a.channel_id))),
  };
}
