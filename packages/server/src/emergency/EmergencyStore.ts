import type { Emergency, EmergencyState, UserSummary } from '@squelch/protocol';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { recordAudit } from '../controlplane/repositories/audit';
import type { Executor } from '../controlplane/repositories/executor';
import type { EmergenciesTable } from '../db/schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The states in which an emergency is open (alerting, or acknowledged and not yet cleared). */
export const OPEN_STATES: readonly EmergencyState[] = ['raised', 'acknowledged'];

/** What decides who may do what with an emergency on a channel. */
export interface ChannelContext {
  eventId: string;
  channelName: string;
  /** The user may acknowledge and clear: a dispatcher of the channel's event or an administrator. */
  dispatches: boolean;
}

type Row = Selectable<EmergenciesTable> & { channel_name: string };

function summary(id: string | null, name: string | null): UserSummary | undefined {
  return name === null ? undefined : { userId: id ?? '', displayName: name };
}

function toEmergency(row: Row): Emergency {
  const emergency: Emergency = {
    emergencyId: row.id,
    eventId: row.event_id,
    channelId: row.channel_id,
    channelName: row.channel_name,
    state: row.state,
    raisedBy: { userId: row.raised_by ?? '', displayName: row.raised_by_name },
    raisedAt: row.raised_at.getTime(),
  };
  const acknowledgedBy = summary(row.acknowledged_by, row.acknowledged_by_name);
  if (acknowledgedBy !== undefined && row.acknowledged_at !== null) {
    emergency.acknowledgedBy = acknowledgedBy;
    emergency.acknowledgedAt = row.acknowledged_at.getTime();
  }
  const endedBy = summary(row.ended_by, row.ended_by_name);
  if (endedBy !== undefined && row.ended_at !== null) {
    emergency.endedBy = endedBy;
    emergency.endedAt = row.ended_at.getTime();
  }
  return emergency;
}

/** A state change asked for: which states it may start from, and what it writes. */
export type Transition =
  | { to: 'acknowledged'; from: readonly EmergencyState[] }
  | { to: 'cleared' | 'cancelled'; from: readonly EmergencyState[] };

/**
 * The durable record of emergencies (table `emergencies`) and their audit entries. Each change and its audit
 * entry are written in one transaction; a change is conditional on the state it starts from, so two
 * dispatchers acknowledging at once (on any nodes) make one change and one audit entry.
 */
export class EmergencyStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** The channel's event and name, and whether `userId` dispatches there; undefined for an unknown channel. */
  async contextOf(userId: string, channelId: string): Promise<ChannelContext | undefined> {
    if (!UUID.test(channelId) || !UUID.test(userId)) return undefined;
    const row = await this.#db
      .selectFrom('channels')
      .innerJoin('teams', 'teams.id', 'channels.team_id')
      .leftJoin('users', (join) => join.on('users.id', '=', userId))
      .leftJoin('event_members', (join) =>
        join.onRef('event_members.event_id', '=', 'teams.event_id').on('event_members.user_id', '=', userId),
      )
      .select([
        'teams.event_id as eventId',
        'channels.name as channelName',
        'users.is_admin',
        'event_members.role',
      ])
      .where('channels.id', '=', channelId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      eventId: row.eventId,
      channelName: row.channelName,
      dispatches: row.is_admin === true || row.role === 'dispatch',
    };
  }

  /**
   * Opens an emergency on the channel, or returns the one already open there (`created` false): a channel has
   * at most one open emergency.
   */
  async raise(
    context: ChannelContext,
    channelId: string,
    raiser: UserSummary,
  ): Promise<{ emergency: Emergency; created: boolean }> {
    return this.#db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('emergencies')
        .values({
          event_id: context.eventId,
          channel_id: channelId,
          state: 'raised',
          raised_by: raiser.userId,
          raised_by_name: raiser.displayName,
        })
        .onConflict((conflict) =>
          conflict
            .column('channel_id')
            .where(sql<boolean>`state in ('raised', 'acknowledged')`)
            .doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) {
        const open = await this.#select(tx)
          .where('emergencies.channel_id', '=', channelId)
          .where('emergencies.state', 'in', OPEN_STATES)
          .executeTakeFirst();
        if (open === undefined) throw new Error('an open emergency vanished during a raise');
        return { emergency: toEmergency(open), created: false };
      }
      await recordAudit(tx, {
        actorId: raiser.userId,
        action: 'emergency.raise',
        targetType: 'emergency',
        targetId: inserted.id,
        details: { channelId, channelName: context.channelName, eventId: context.eventId },
      });
      const row = await this.#select(tx).where('emergencies.id', '=', inserted.id).executeTakeFirstOrThrow();
      return { emergency: toEmergency(row), created: true };
    });
  }

  async find(emergencyId: string): Promise<Emergency | undefined> {
    if (!UUID.test(emergencyId)) return undefined;
    const row = await this.#select(this.#db).where('emergencies.id', '=', emergencyId).executeTakeFirst();
    return row === undefined ? undefined : toEmergency(row);
  }

  /**
   * Moves an emergency to `transition.to` if it is in one of `transition.from`, with its audit entry. Returns
   * the changed emergency, or null when its state did not allow the change (someone else changed it first).
   */
  async transition(
    emergencyId: string,
    transition: Transition,
    actor: UserSummary,
  ): Promise<Emergency | null> {
    return this.#db.transaction().execute(async (tx) => {
      const now = new Date();
      const changes =
        transition.to === 'acknowledged'
          ? {
              state: transition.to,
              acknowledged_by: actor.userId,
              acknowledged_by_name: actor.displayName,
              acknowledged_at: now,
            }
          : { state: transition.to, ended_by: actor.userId, ended_by_name: actor.displayName, ended_at: now };
      const updated = await tx
        .updateTable('emergencies')
        .set(changes)
        .where('id', '=', emergencyId)
        .where('state', 'in', transition.from)
        .returning(['id', 'channel_id', 'event_id'])
        .executeTakeFirst();
      if (updated === undefined) return null;
      await recordAudit(tx, {
        actorId: actor.userId,
        action: `emergency.${transition.to === 'acknowledged' ? 'acknowledge' : transition.to === 'cleared' ? 'clear' : 'cancel'}`,
        targetType: 'emergency',
        targetId: emergencyId,
        details: { channelId: updated.channel_id, eventId: updated.event_id },
      });
      return toEmergency(
        await this.#select(tx).where('emergencies.id', '=', emergencyId).executeTakeFirstOrThrow(),
      );
    });
  }

  /**
   * The open emergencies `userId` is to be told about: on channels the user is assigned to, and every one of
   * the events where the user dispatches (all of them for an administrator).
   */
  async openVisibleTo(userId: string): Promise<Emergency[]> {
    if (!UUID.test(userId)) return [];
    const rows = await this.#select(this.#db)
      .where('emergencies.state', 'in', OPEN_STATES)
      .where((eb) =>
        eb.or([
          eb.exists(
            eb
              .selectFrom('channel_members')
              .select('channel_members.user_id')
              .whereRef('channel_members.channel_id', '=', 'emergencies.channel_id')
              .where('channel_members.user_id', '=', userId),
          ),
          eb.exists(
            eb
              .selectFrom('event_members')
              .select('event_members.user_id')
              .whereRef('event_members.event_id', '=', 'emergencies.event_id')
              .where('event_members.user_id', '=', userId)
              .where('event_members.role', '=', 'dispatch'),
          ),
          eb.exists(
            eb
              .selectFrom('users')
              .select('users.id')
              .where('users.id', '=', userId)
              .where('users.is_admin', '=', true),
          ),
        ]),
      )
      .orderBy('emergencies.raised_at')
      .execute();
    return rows.map(toEmergency);
  }

  /** Who is told about an emergency: the channel's members, the event's dispatchers, the administrators. */
  async recipientsOf(eventId: string, channelId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('channel_members')
      .select('user_id')
      .where('channel_id', '=', channelId)
      .union(
        this.#db
          .selectFrom('event_members')
          .select('user_id')
          .where('event_id', '=', eventId)
          .where('role', '=', 'dispatch'),
      )
      .union(this.#db.selectFrom('users').select('id as user_id').where('is_admin', '=', true))
      .execute();
    return rows.map((row) => row.user_id);
  }

  #select(db: Executor) {
    return db
      .selectFrom('emergencies')
      .innerJoin('channels', 'channels.id', 'emergencies.channel_id')
      .selectAll('emergencies')
      .select('channels.name as channel_name');
  }
}
