import type { TeamRow } from '../../db/schema';
import type { TeamView } from '../types';
import type { Executor } from './executor';

export function toTeamView(row: TeamRow): TeamView {
  return { id: row.id, eventId: row.event_id, name: row.name, createdAt: row.created_at };
}

export async function findTeam(db: Executor, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listTeamsOfEvent(db: Executor, eventId: string): Promise<TeamRow[]> {
  return db.selectFrom('teams').selectAll().where('event_id', '=', eventId).orderBy('name').execute();
}

export async function insertTeam(db: Executor, team: { event_id: string; name: string }): Promise<TeamRow> {
  return db.insertInto('teams').values(team).returningAll().executeTakeFirstOrThrow();
}

export async function renameTeam(db: Executor, id: string, name: string): Promise<TeamRow | undefined> {
  return db.updateTable('teams').set({ name }).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteTeam(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('teams').where('id', '=', id).execute();
}
