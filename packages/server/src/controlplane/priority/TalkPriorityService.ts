import {
  MAX_ROLE_PRIORITY,
  MIN_ROLE_PRIORITY,
  priorityOfRole,
  type TalkPriorities,
} from '../../floor/priority';
import { requireAdmin, requireMemberOf } from '../access/policy';
import { ControlPlaneError, notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import type { ServiceContext } from '../services/context';
import type { Actor } from '../types';
import { findTalkPriorities, talkContextOf, updateTalkPriorities } from './talkPriorityQueries';

/**
 * Each event's talk priority per role: members read it, administrators change it. A change applies to each
 * person's next join of a channel (their next connection or channel switch); a talk in progress keeps the
 * priority it was granted with.
 */
export class TalkPriorityService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  async get(actor: Actor, eventId: string): Promise<TalkPriorities> {
    await requireMemberOf(this.#ctx.db, actor, eventId, 'Event');
    const priorities = await findTalkPriorities(this.#ctx.db, eventId);
    if (priorities === undefined) throw notFound('Event');
    return priorities;
  }

  async update(actor: Actor, eventId: string, priorities: TalkPriorities): Promise<TalkPriorities> {
    requireAdmin(actor);
    for (const [role, value] of Object.entries(priorities)) {
      if (!Number.isInteger(value) || value < MIN_ROLE_PRIORITY || value > MAX_ROLE_PRIORITY) {
        throw new ControlPlaneError(
          'bad_request',
          `The ${role} priority must be a whole number from ${MIN_ROLE_PRIORITY} to ${MAX_ROLE_PRIORITY}.`,
        );
      }
    }
    return this.#ctx.db.transaction().execute(async (tx) => {
      const updated = await updateTalkPriorities(tx, eventId, priorities);
      if (updated === undefined) throw notFound('Event');
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'event.talk_priority',
        targetType: 'event',
        targetId: eventId,
        details: { ...updated },
      });
      return updated;
    });
  }

  /**
   * The priority `userId` talks with on `channelId`: the event's priority for the user's role there (an
   * administrator talks as dispatch). Null when the channel or user is unknown, or the user is neither a
   * member of the channel's event nor an administrator.
   */
  async priorityOn(userId: string, channelId: string): Promise<number | null> {
    const context = await talkContextOf(this.#ctx.db, userId, channelId);
    if (context === undefined) return null;
    if (context.isAdmin) return priorityOfRole('admin', context.priorities);
    if (context.role === undefined) return null;
    return priorityOfRole(context.role, context.priorities);
  }
}
