import { accessPairs } from '../access/accessPairs';
import { notAuthenticated } from '../errors';
import { membershipsOf } from '../repositories/eventMembers';
import { listAllEvents, listEventsOfMember } from '../repositories/events';
import { findUserById, overallRole, toUserView } from '../repositories/users';
import type { Actor, EventRole, MyEventView, Role, UserView } from '../types';
import type { ServiceContext } from './context';

export interface MeView {
  user: UserView & { role: Role };
  memberships: { eventId: string; role: EventRole }[];
}

/** What the signed-in user may see about themselves. */
export class MeService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  async me(actor: Actor): Promise<MeView> {
    const user = await findUserById(this.#ctx.db, actor.userId);
    if (user === undefined) throw notAuthenticated();
    return {
      user: { ...toUserView(user), role: await overallRole(this.#ctx.db, user) },
      memberships: await membershipsOf(this.#ctx.db, user.id),
    };
  }

  /**
   * The user's events with the teams and channels they may use: all channels for admins and for the events
   * someone dispatches, the assigned channels otherwise.
   */
  async myChannels(actor: Actor): Promise<MyEventView[]> {
    const db = this.#ctx.db;
    const events = actor.isAdmin ? await listAllEvents(db) : await listEventsOfMember(db, actor.userId);
    if (events.length === 0) return [];
    const usable = new Set((await accessPairs(db, { userId: actor.userId })).map((p) => p.channelId));
    const roles = new Map((await membershipsOf(db, actor.userId)).map((m) => [m.eventId, m.role]));
    const rows = await db
      .selectFrom('teams')
      .leftJoin('channels', 'channels.team_id', 'teams.id')
      .select([
        'teams.event_id',
        'teams.id as teamId',
        'teams.name as teamName',
        'channels.id as channelId',
        'channels.name as channelName',
      ])
      .where(
        'teams.event_id',
        'in',
        events.map((e) => e.id),
      )
      .orderBy('teams.name')
      .orderBy('channels.name')
      .execute();

    return events.map((event) => {
      const role: Role = actor.isAdmin ? 'admin' : (roles.get(event.id) ?? 'general');
      const seesStructure = role !== 'general';
      const teams = new Map<string, MyEventView['teams'][number]>();
      for (const row of rows) {
        if (row.event_id !== event.id) continue;
        let team = teams.get(row.teamId);
        if (team === undefined) {
          team = { id: row.teamId, name: row.teamName, channels: [] };
          teams.set(row.teamId, team);
        }
        if (row.channelId !== null && row.channelName !== null && usable.has(row.channelId)) {
          team.channels.push({ id: row.channelId, name: row.channelName });
        }
      }
      const visible = [...teams.values()].filter((t) => seesStructure || t.channels.length > 0);
      return {
        id: event.id,
        name: event.name,
        role,
        headphonesRequired: event.dispatch_headphones_required,
        teams: visible,
      };
    });
  }
}
