import { accessPairs, lostPairs } from '../access/accessPairs';
import { requireDispatchOf } from '../access/policy';
import { conflict, notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import { addChannelMember, listChannelMembers, removeChannelMember } from '../repositories/channelMembers';
import { findChannel, type ChannelRecord } from '../repositories/channels';
import { eventRoleOf } from '../repositories/eventMembers';
import type { Actor, ChannelMemberView } from '../types';
import { announceLostAccess, type ServiceContext } from './context';

/** Who is assigned to a channel: managed by admins and the event's dispatchers. */
export class AssignmentService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  async list(actor: Actor, channelId: string): Promise<ChannelMemberView[]> {
    await this.#findAuthorized(actor, channelId);
    return listChannelMembers(this.#ctx.db, channelId);
  }

  /** Assigns a member of the channel's event to the channel. Assigning twice is harmless. */
  async assign(actor: Actor, channelId: string, userId: string): Promise<void> {
    const channel = await this.#findAuthorized(actor, channelId);
    await this.#ctx.db.transaction().execute(async (tx) => {
      if ((await eventRoleOf(tx, channel.event_id, userId)) === undefined) {
        throw conflict('The user is not a member of this event; an administrator must add them first.');
      }
      if (!(await addChannelMember(tx, channelId, userId))) return;
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'channel_member.add',
        targetType: 'channel_member',
        targetId: userId,
        details: { eventId: channel.event_id, channelId },
      });
    });
  }

  async unassign(actor: Actor, channelId: string, userId: string): Promise<void> {
    const channel = await this.#findAuthorized(actor, channelId);
    const lost = await this.#ctx.db.transaction().execute(async (tx) => {
      const scope = { userId, channelIds: [channelId] };
      const before = await accessPairs(tx, scope);
      if (!(await removeChannelMember(tx, channelId, userId))) throw notFound('Channel assignment');
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'channel_member.remove',
        targetType: 'channel_member',
        targetId: userId,
        details: { eventId: channel.event_id, channelId },
      });
      return lostPairs(before, await accessPairs(tx, scope));
    });
    announceLostAccess(this.#ctx, lost, 'unassigned');
  }

  async #findAuthorized(actor: Actor, channelId: string): Promise<ChannelRecord> {
    const channel = await findChannel(this.#ctx.db, channelId);
    if (channel === undefined) throw notFound('Channel');
    await requireDispatchOf(this.#ctx.db, actor, channel.event_id, 'Channel');
    return channel;
  }
}
