import { accessPairs } from '../access/accessPairs';
import { requireAdmin, requireMemberOf } from '../access/policy';
import { notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import { channelIdsOfEvent } from '../repositories/channels';
import {
  deleteEvent,
  findEvent,
  insertEvent,
  listAllEvents,
  listEventsOfMember,
  toEventView,
  updateEvent,
} from '../repositories/events';
import type { Actor, EventView } from '../types';
import { announceLostAccess, type ServiceContext } from './context';

/** Events: admins manage them; members see the ones they belong to. */
export class EventService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /** Admins see every event; everyone else the events they are a member of. */
  async list(actor: Actor): Promise<EventView[]> {
    const rows = actor.isAdmin
      ? await listAllEvents(this.#ctx.db)
      : await listEventsOfMember(this.#ctx.db, actor.userId);
    return rows.map(toEventView);
  }

  async get(actor: Actor, eventId: string): Promise<EventView> {
    const event = await findEvent(this.#ctx.db, eventId);
    if (event === undefined) throw notFound('Event');
    await requireMemberOf(this.#ctx.db, actor, eventId, 'Event');
    return toEventView(event);
  }

  async create(
    actor: Actor,
    input: { name: string; description?: string; headphonesRequired?: boolean },
  ): Promise<EventView> {
    requireAdmin(actor);
    return this.#ctx.db.transaction().execute(async (tx) => {
      const event = await insertEvent(tx, {
        name: input.name.trim(),
        description: input.description ?? '',
        dispatch_headphones_required: input.headphonesRequired ?? false,
      });
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'event.create',
        targetType: 'event',
        targetId: event.id,
        details: { name: event.name },
      });
      return toEventView(event);
    });
  }

  async update(
    actor: Actor,
    eventId: string,
    input: { name?: string; description?: string; headphonesRequired?: boolean },
  ): Promise<EventView> {
    requireAdmin(actor);
    return this.#ctx.db.transaction().execute(async (tx) => {
      const { headphonesRequired, ...rest } = input;
      const changes = {
        ...rest,
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(headphonesRequired !== undefined ? { dispatch_headphones_required: headphonesRequired } : {}),
      };
      const event =
        Object.keys(changes).length > 0
          ? await updateEvent(tx, eventId, changes)
          : await findEvent(tx, eventId);
      if (event === undefined) throw notFound('Event');
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'event.update',
        targetType: 'event',
        targetId: eventId,
        details: { ...changes },
      });
      return toEventView(event);
    });
  }

  /** Deletes the event with its teams, channels and memberships. */
  async delete(actor: Actor, eventId: string): Promise<void> {
    requireAdmin(actor);
    const lost = await this.#ctx.db.transaction().execute(async (tx) => {
      const event = await findEvent(tx, eventId);
      if (event === undefined) throw notFound('Event');
      const before = await accessPairs(tx, { channelIds: await channelIdsOfEvent(tx, eventId) });
      await deleteEvent(tx, eventId);
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'event.delete',
        targetType: 'event',
        targetId: eventId,
        details: { name: event.name },
      });
      return before;
    });
    announceLostAccess(this.#ctx, lost, 'event_deleted');
  }
}
