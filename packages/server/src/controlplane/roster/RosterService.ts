import { accessPairs, lostPairs, type AccessPair } from '../access/accessPairs';
import { requireDispatchOf } from '../access/policy';
import { ControlPlaneError, conflict, notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import { channelIdsOfEvent } from '../repositories/channels';
import { findEvent } from '../repositories/events';
import { isUniqueViolation, type Executor } from '../repositories/executor';
import { announceLostAccess, type ServiceContext } from '../services/context';
import type { Actor } from '../types';
import { decodeRosterFile, parseRoster, writeRoster, type RosterOutRow } from './csvFormat';
import { planIsEmpty, planRoster, type RosterPlan } from './rosterPlan';
import { assignmentKey, channelKey, loadRosterState } from './rosterState';

/** The password hash of an account made by an import: no password matches it; people sign in with a code. */
export const NO_PASSWORD = '!no-password';
const CHUNK = 500;

/** An import that was refused: the plan lists the problems; nothing was changed. */
export class RosterRefused extends ControlPlaneError {
  readonly plan: RosterPlan;
  constructor(plan: RosterPlan) {
    const n = plan.problems.length;
    super('bad_request', `The file has ${n} problem${n === 1 ? '' : 's'}; nothing was changed.`);
    this.plan = plan;
  }
}

export interface RosterResult {
  applied: boolean;
  plan: RosterPlan;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Import and export of an event's people, roles, teams, channels and assignments as CSV. Admins may do
 * everything; dispatchers of the event may create teams, channels and assignments of existing members.
 */
export class RosterService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /** What importing the file would do, changing nothing. */
  async preview(actor: Actor, eventId: string, file: Uint8Array): Promise<RosterPlan> {
    await this.#authorize(this.#ctx.db, actor, eventId);
    return this.#plan(this.#ctx.db, actor, eventId, file);
  }

  /** Applies the file in one transaction, or refuses it whole (RosterRefused) when any row has a problem. */
  async apply(actor: Actor, eventId: string, file: Uint8Array): Promise<RosterResult> {
    let lost: AccessPair[] = [];
    try {
      const result = await this.#ctx.db.transaction().execute(async (tx) => {
        await this.#authorize(tx, actor, eventId);
        const plan = await this.#plan(tx, actor, eventId, file);
        if (plan.problems.length > 0) throw new RosterRefused(plan);
        if (planIsEmpty(plan)) return { applied: false, plan };
        lost = await this.#apply(tx, actor, eventId, file, plan);
        return { applied: true, plan };
      });
      announceLostAccess(this.#ctx, lost, 'role_changed');
      if (result.applied) this.#ctx.logger.info({ eventId, userId: actor.userId }, 'roster imported');
      return result;
    } catch (error) {
      if (isUniqueViolation(error) || (error as { code?: unknown }).code === '23503') {
        throw conflict('The event changed while the file was being applied; preview it again.');
      }
      throw error;
    }
  }

  /** The event in the import format: team rows first, then one row per person and team. */
  async export(actor: Actor, eventId: string): Promise<string> {
    const db = this.#ctx.db;
    await this.#authorize(db, actor, eventId);
    const channels = await db
      .selectFrom('teams')
      .leftJoin('channels', 'channels.team_id', 'teams.id')
      .select(['teams.name as team', 'channels.name as channel'])
      .where('teams.event_id', '=', eventId)
      .execute();
    const members = await db
      .selectFrom('event_members')
      .innerJoin('users', 'users.id', 'event_members.user_id')
      .select(['users.id', 'users.email', 'users.display_name', 'event_members.role'])
      .where('event_members.event_id', '=', eventId)
      .execute();
    const assignments = await db
      .selectFrom('channel_members')
      .innerJoin('channels', 'channels.id', 'channel_members.channel_id')
      .innerJoin('teams', 'teams.id', 'channels.team_id')
      .select(['channel_members.user_id', 'channels.name as channel', 'teams.name as team'])
      .where('teams.event_id', '=', eventId)
      .execute();

    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const teamChannels = new Map<string, string[]>();
    for (const c of channels) {
      const list = teamChannels.get(c.team) ?? [];
      if (c.channel !== null) list.push(c.channel);
      teamChannels.set(c.team, list);
    }
    const rows: RosterOutRow[] = [...teamChannels.keys()].sort(byName).map((team) => ({
      email: '',
      name: '',
      role: '',
      team,
      channels: (teamChannels.get(team) ?? []).sort(byName),
    }));
    const perUser = new Map<string, Map<string, string[]>>();
    for (const a of assignments) {
      const teams = perUser.get(a.user_id) ?? new Map<string, string[]>();
      teams.set(a.team, [...(teams.get(a.team) ?? []), a.channel]);
      perUser.set(a.user_id, teams);
    }
    for (const m of members.sort((a, b) => byName(a.email.toLowerCase(), b.email.toLowerCase()))) {
      const teams = perUser.get(m.id);
      const base = { email: m.email, name: m.display_name, role: m.role };
      if (teams === undefined) {
        rows.push({ ...base, team: '', channels: [] });
        continue;
      }
      for (const team of [...teams.keys()].sort(byName)) {
        rows.push({ ...base, team, channels: (teams.get(team) ?? []).sort(byName) });
      }
    }
    await recordAudit(db, {
      actorId: actor.userId,
      action: 'event.export',
      targetType: 'event',
      targetId: eventId,
      details: { people: members.length, rows: rows.length },
    });
    return writeRoster(rows);
  }

  async #authorize(db: Executor, actor: Actor, eventId: string): Promise<void> {
    if ((await findEvent(db, eventId)) === undefined) throw notFound('Event');
    await requireDispatchOf(db, actor, eventId, 'Event');
  }

  async #plan(db: Executor, actor: Actor, eventId: string, file: Uint8Array): Promise<RosterPlan> {
    const { rows, problems } = parseRoster(decodeRosterFile(file));
    const state = await loadRosterState(
      db,
      eventId,
      rows.filter((r) => r.email !== '').map((r) => r.email),
    );
    return planRoster(rows, problems, state, actor.isAdmin);
  }

  /** Writes the plan; returns the channel access lost by demoted dispatchers. */
  async #apply(
    tx: Executor,
    actor: Actor,
    eventId: string,
    file: Uint8Array,
    plan: RosterPlan,
  ): Promise<AccessPair[]> {
    const state = await loadRosterState(tx, eventId, []);
    const userIds = new Map<string, string>();
    for (const [email, user] of state.users) userIds.set(email, user.id);
    for (const part of chunks(plan.createUsers)) {
      const created = await tx
        .insertInto('users')
        .values(part.map((u) => ({ email: u.email, display_name: u.name, password_hash: NO_PASSWORD })))
        .returning(['id', 'email'])
        .execute();
      for (const u of created) userIds.set(u.email.toLowerCase(), u.id);
    }
    const idOf = async (email: string): Promise<string> => {
      const key = email.toLowerCase();
      const known = userIds.get(key);
      if (known !== undefined) return known;
      const row = await tx
        .selectFrom('users')
        .select('id')
        .where((eb) => eb(eb.fn('lower', ['email']), '=', key))
        .executeTakeFirstOrThrow();
      userIds.set(key, row.id);
      return row.id;
    };
    for (const r of plan.renameUsers) {
      await tx.updateTable('users').set({ display_name: r.to }).where('id', '=', r.userId).execute();
    }
    const newMembers = [];
    for (const m of plan.addMembers)
      newMembers.push({ event_id: eventId, user_id: await idOf(m.email), role: m.role });
    for (const part of chunks(newMembers)) await tx.insertInto('event_members').values(part).execute();

    const demoted = plan.changeRoles.filter((c) => c.to === 'general');
    const eventChannels = demoted.length > 0 ? await channelIdsOfEvent(tx, eventId) : [];
    const before: AccessPair[] = [];
    for (const d of demoted)
      before.push(...(await accessPairs(tx, { userId: await idOf(d.email), channelIds: eventChannels })));
    for (const c of plan.changeRoles) {
      await tx
        .updateTable('event_members')
        .set({ role: c.to })
        .where('event_id', '=', eventId)
        .where('user_id', '=', await idOf(c.email))
        .execute();
    }

    const teamIds = new Map(state.teams);
    for (const part of chunks(plan.createTeams)) {
      const rows = await tx
        .insertInto('teams')
        .values(part.map((t) => ({ event_id: eventId, name: t.team })))
        .returning(['id', 'name'])
        .execute();
      for (const t of rows) teamIds.set(t.name, t.id);
    }
    const channelIds = new Map(state.channels);
    const teamNames = new Map([...teamIds].map(([name, id]) => [id, name]));
    for (const part of chunks(plan.createChannels)) {
      const rows = await tx
        .insertInto('channels')
        .values(part.map((c) => ({ team_id: teamIds.get(c.team) ?? '', name: c.channel })))
        .returning(['id', 'name', 'team_id'])
        .execute();
      for (const c of rows) channelIds.set(channelKey(teamNames.get(c.team_id) ?? '', c.name), c.id);
    }
    const assignments: { channel_id: string; user_id: string }[] = [];
    for (const a of plan.assign) {
      const channelId = channelIds.get(channelKey(a.team, a.channel));
      if (channelId === undefined) throw new Error(`planned channel ${a.team}/${a.channel} was not created`);
      const userId = await idOf(a.email);
      if (!state.assignments.has(assignmentKey(userId, channelId)))
        assignments.push({ channel_id: channelId, user_id: userId });
    }
    for (const part of chunks(assignments)) {
      await tx
        .insertInto('channel_members')
        .values(part)
        .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
        .execute();
    }

    await recordAudit(tx, {
      actorId: actor.userId,
      action: 'event.import',
      targetType: 'event',
      targetId: eventId,
      details: {
        bytes: file.length,
        usersCreated: plan.createUsers.length,
        usersRenamed: plan.renameUsers.length,
        membersAdded: plan.addMembers.length,
        rolesChanged: plan.changeRoles.length,
        teamsCreated: plan.createTeams.length,
        channelsCreated: plan.createChannels.length,
        assignmentsAdded: plan.assign.length,
      },
    });
    const after: AccessPair[] = [];
    for (const d of demoted)
      after.push(...(await accessPairs(tx, { userId: await idOf(d.email), channelIds: eventChannels })));
    return lostPairs(before, after);
  }
}
