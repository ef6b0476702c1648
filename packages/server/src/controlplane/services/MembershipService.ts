import { accessPairs, lostPairs } from '../access/accessPairs';
import { requireAdmin, requireDispatchOf } from '../access/policy';
import { notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import { removeMemberFromEventChannels } from '../repositories/channelMembers';
import { channelIdsOfEvent } from '../repositories/channels';
import { listEventMembers, removeEventMember, setEventRole } from '../repositories/eventMembers';
import { findEvent } from '../repositories/events';
import { findUserById } from '../repositories/users';
import type { Actor, EventMemberView, EventRole } from '../types';
import { announceLostAccess, type ServiceContext } from './context';

/** Who belongs to an event and in which role: admins decide, dispatchers of the event may look. */
export class MembershipService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  async list(actor: Actor, eventId: string): Promise<EventMemberView[]> {
    if ((await findEvent(this.#ctx.db, eventId)) === undefined) throw notFound('Event');
    await requireDispatchOf(this.#ctx.db, actor, eventId, 'Event');
    return listEventMembers(this.#ctx.db, eventId);
  }

  /** Adds the user to the event or changes their role. Demoting a dispatcher may remove channel access. */
  async setRole(actor: Actor, eventId: string, userId: string, role: EventRole): Promise<void> {
    requireAdmin(actor);
    const lost = await this.#ctx.db.transaction().execute(async (tx) => {
      if ((await findEvent(tx, eventId)) === undefined) throw notFound('Event');
      if ((await findUserById(tx, userId)) === undefined) throw notFound('User');
      const scope = { userId, channelIds: await channelIdsOfEvent(tx, eventId) };
      const before = await accessPairs(tx, scope);
      await setEventRole(tx, eventId, userId, role);
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'event_member.set',
        targetType: 'event_member',
        targetId: userId,
        details: { eventId, role },
      });
      return lostPairs(before, await accessPairs(tx, scope));
    });
    announceLostAccess(this.#ctx, lost, 'role_changed');
  }

  /** Removes the user from the event and from all of its channels. */
  async remove(actor: Actor, eventId: string, userId: string): Promise<void> {
    requireAdmin(actor);
    const lost = await this.#ctx.db.transaction().execute(async (tx) => {
      if ((await findEvent(tx, eventId)) === undefined) throw notFound('Event');
      const scope = { userId, channelIds: await channelIdsOfEvent(tx, eventId) };
      const before = await accessPairs(tx, scope);
      if (!(await removeEventMember(tx, eventId, userId))) throw notFound('Event member');
      await removeMemberFromEventChannels(tx, eventId, userId);
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'event_member.remove',
        targetType: 'event_member',
        targetId: userId,
        details: { eventId },
      });
      return lostPairs(before, await accessPairs(tx, scope));
    });
    announceLostAccess(this.#ctx, lost, 'membership_removed');
  }
}
