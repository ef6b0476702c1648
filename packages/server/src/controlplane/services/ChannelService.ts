import { accessPairs } from '../access/accessPairs';
import { requireDispatchOf } from '../access/policy';
import { conflict, forbidden, notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import {
  deleteChannel,
  findChannel,
  insertChannel,
  listChannelsOfTeam,
  renameChannel,
  toChannelView,
  type ChannelRecord,
} from '../repositories/channels';
import { isUniqueViolation } from '../repositories/executor';
import { findTeam } from '../repositories/teams';
import type { Actor, ChannelView } from '../types';
import { announceLostAccess, type ServiceContext } from './context';

const nameTaken = () => conflict('This team already has a channel with that name.');

/** Channels within a team: managed by admins and the event's dispatchers, seen by those who may use them. */
export class ChannelService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  async list(actor: Actor, teamId: string): Promise<ChannelView[]> {
    const team = await findTeam(this.#ctx.db, teamId);
    if (team === undefined) throw notFound('Team');
    await requireDispatchOf(this.#ctx.db, actor, team.event_id, 'Team');
    return (await listChannelsOfTeam(this.#ctx.db, teamId)).map(toChannelView);
  }

  /** Anyone who may use the channel may see it. */
  async get(actor: Actor, channelId: string): Promise<ChannelView> {
    const channel = await findChannel(this.#ctx.db, channelId);
    if (channel === undefined) throw notFound('Channel');
    const allowed = await accessPairs(this.#ctx.db, { userId: actor.userId, channelIds: [channelId] });
    if (allowed.length === 0) throw forbidden('You are not assigned to this channel.');
    return toChannelView(channel);
  }

  async create(actor: Actor, teamId: string, name: string): Promise<ChannelView> {
    const team = await findTeam(this.#ctx.db, teamId);
    if (team === undefined) throw notFound('Team');
    await requireDispatchOf(this.#ctx.db, actor, team.event_id, 'Team');
    try {
      return await this.#ctx.db.transaction().execute(async (tx) => {
        const channel = await insertChannel(tx, { team_id: teamId, name: name.trim() }, team.event_id);
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'channel.create',
          targetType: 'channel',
          targetId: channel.id,
          details: { eventId: team.event_id, teamId, name: channel.name },
        });
        return toChannelView(channel);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  async rename(actor: Actor, channelId: string, name: string): Promise<ChannelView> {
    const channel = await this.#findAuthorized(actor, channelId);
    const trimmed = name.trim();
    try {
      await this.#ctx.db.transaction().execute(async (tx) => {
        await renameChannel(tx, channelId, trimmed);
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'channel.update',
          targetType: 'channel',
          targetId: channelId,
          details: { eventId: channel.event_id, name: trimmed },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
    return toChannelView({ ...channel, name: trimmed });
  }

  async delete(actor: Actor, channelId: string): Promise<void> {
    const channel = await this.#findAuthorized(actor, channelId);
    const lost = await this.#ctx.db.transaction().execute(async (tx) => {
      const before = await accessPairs(tx, { channelIds: [channelId] });
      await deleteChannel(tx, channelId);
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'channel.delete',
        targetType: 'channel',
        targetId: channelId,
        details: { eventId: channel.event_id, teamId: channel.team_id, name: channel.name },
      });
      return before;
    });
    announceLostAccess(this.#ctx, lost, 'channel_deleted');
  }

  async #findAuthorized(actor: Actor, channelId: string): Promise<ChannelRecord> {
    const channel = await findChannel(this.#ctx.db, channelId);
    if (channel === undefined) throw notFound('Channel');
    await requireDispatchOf(this.#ctx.db, actor, channel.event_id, 'Channel');
    return channel;
  }
}
