import { accessPairs } from '../controlplane/access/accessPairs';
import { ControlPlaneError, forbidden, notFound } from '../controlplane/errors';
import { recordAudit } from '../controlplane/repositories/audit';
import { eventRoleOf } from '../controlplane/repositories/eventMembers';
import type { Executor } from '../controlplane/repositories/executor';
import type { Actor } from '../controlplane/types';
import { toTransmissionView, TransmissionStore } from './TransmissionStore';
import type { TransmissionRecord, TransmissionView } from './TransmissionStore';

/**
 * Who may see and play a channel's transmissions: whoever may use the channel (its assigned members, the
 * event's dispatchers, admins). Every playback by an admin or a dispatcher is written to the audit log.
 */
export class TransmissionService {
  readonly #db: Executor;
  readonly store: TransmissionStore;

  constructor(db: Executor) {
    this.#db = db;
    this.store = new TransmissionStore(db);
  }

  async list(
    actor: Actor,
    channelId: string,
    options: { limit: number; before?: Date; after?: Date },
  ): Promise<TransmissionView[]> {
    await this.#requireChannelAccess(actor, channelId);
    return (await this.store.list(channelId, options)).map(toTransmissionView);
  }

  /** The recording to play, after checking access and auditing the playback when it must be. */
  async openForPlayback(actor: Actor, transmissionId: string, audit: boolean): Promise<TransmissionRecord> {
    const record = await this.store.find(transmissionId);
    if (record === undefined) throw notFound('Transmission');
    await this.#requireChannelAccess(actor, record.channelId);
    if (
      audit &&
      (actor.isAdmin || (await eventRoleOf(this.#db, record.eventId, actor.userId)) === 'dispatch')
    ) {
      await recordAudit(this.#db, {
        actorId: actor.userId,
        action: 'transmission.play',
        targetType: 'transmission',
        targetId: record.id,
        details: { eventId: record.eventId, channelId: record.channelId, talkerId: record.talkerId },
      });
    }
    return record;
  }

  async #requireChannelAccess(actor: Actor, channelId: string): Promise<void> {
    const channel = await this.#db
      .selectFrom('channels')
      .select('id')
      .where('id', '=', channelId)
      .executeTakeFirst();
    if (channel === undefined) throw notFound('Channel');
    const allowed = await accessPairs(this.#db, { userId: actor.userId, channelIds: [channelId] });
    if (allowed.length === 0) throw forbidden('You are not assigned to this channel.');
  }
}

/** The recording's file is not readable on this node. */
export function recordingUnavailable(nodeId: string): ControlPlaneError {
  return new ControlPlaneError(
    'not_found',
    `The recording's file is not available on this node (it was written on ${nodeId}); ` +
      'the recordings directory must be shared by all nodes.',
  );
}
