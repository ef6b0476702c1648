import { accessPairs } from '../access/accessPairs';
import { requireDispatchOf } from '../access/policy';
import { conflict, notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import { channelIdsOfTeam } from '../repositories/channels';
import { findEvent } from '../repositories/events';
import { isUniqueViolation } from '../repositories/executor';
import {
  deleteTeam,
  findTeam,
  insertTeam,
  listTeamsOfEvent,
  renameTeam,
  toTeamView,
} from '../repositories/teams';
import type { Actor, TeamView } from '../types';
import { announceLostAccess, type ServiceContext } from './context';

const nameTaken = () => conflict('This event already has a team with that name.');

/** Teams within an event: managed by admins and the event's dispatchers. */
export class TeamService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  async list(actor: Actor, eventId: string): Promise<TeamView[]> {
    if ((await findEvent(this.#ctx.db, eventId)) === undefined) throw notFound('Event');
    await requireDispatchOf(this.#ctx.db, actor, eventId, 'Event');
    return (await listTeamsOfEvent(this.#ctx.db, eventId)).map(toTeamView);
  }

  async create(actor: Actor, eventId: string, name: string): Promise<TeamView> {
    if ((await findEvent(this.#ctx.db, eventId)) === undefined) throw notFound('Event');
    await requireDispatchOf(this.#ctx.db, actor, eventId, 'Event');
    try {
      return await this.#ctx.db.transaction().execute(async (tx) => {
        const team = await insertTeam(tx, { event_id: eventId, name: name.trim() });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'team.create',
          targetType: 'team',
          targetId: team.id,
          details: { eventId, name: team.name },
        });
        return toTeamView(team);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  async rename(actor: Actor, teamId: string, name: string): Promise<TeamView> {
    const team = await this.#findAuthorized(actor, teamId);
    try {
      return await this.#ctx.db.transaction().execute(async (tx) => {
        const renamed = await renameTeam(tx, teamId, name.trim());
        if (renamed === undefined) throw notFound('Team');
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'team.update',
          targetType: 'team',
          targetId: teamId,
          details: { eventId: team.event_id, name: renamed.name },
        });
        return toTeamView(renamed);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  /** Deletes the team and its channels. */
  async delete(actor: Actor, teamId: string): Promise<void> {
    const team = await this.#findAuthorized(actor, teamId);
    const lost = await this.#ctx.db.transaction().execute(async (tx) => {
      const before = await accessPairs(tx, { channelIds: await channelIdsOfTeam(tx, teamId) });
      await deleteTeam(tx, teamId);
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'team.delete',
        targetType: 'team',
        targetId: teamId,
        details: { eventId: team.event_id, name: team.name },
      });
      return before;
    });
    announceLostAccess(this.#ctx, lost, 'team_deleted');
  }

  async #findAuthorized(actor: Actor, teamId: string) {
    const team = await findTeam(this.#ctx.db, teamId);
    if (team === undefined) throw notFound('Team');
    await requireDispatchOf(this.#ctx.db, actor, team.event_id, 'Team');
    return team;
  }
}
