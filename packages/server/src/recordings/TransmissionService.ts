import { accessPairs } from '../controlplane/access/accessPairs';
import { requireAdmin, requireMemberOf } from '../controlplane/access/policy';
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
  /** Told after an event's retention changed (the recorder forgets what it cached). */
  readonly #onRetentionChanged: () => void;

  constructor(db: Executor, onRetentionChanged: () => void = () => undefined) {
    this.#db = db;
    this.store = new TransmissionStore(db);
    this.#onRetentionChanged = onRetentionChanged;
  }

  /** How long the event's recordings are kept, in hours (0: the event is not recorded). Its members may ask. */
  async retentionOf(actor: Actor, eventId: string): Promise<number> {
    const hours = await this.store.retentionOf(eventId);
    if (hours === undefined) throw notFound('Event');
    await requireMemberOf(this.#db, actor, eventId, 'Event');
    return hours;
  }

  /**
   * Changes the event's retention (admins). 0 turns recording off: nothing more is recorded and the next
   * sweep removes the event's recordings. A shorter value takes effect at the next sweep.
   */
  async setRetention(actor: Actor, eventId: string, hours: number): Promise<number> {
    requireAdmin(actor);
    if (!Number.isInteger(hours) || hours < 0 || hours > MAX_RETENTION_HOURS) throw invalidRetention();
    const previous = await this.#db.transaction().execute(async (tx) => {
      const store = new TransmissionStore(tx);
      const before = await store.retentionOf(eventId);
      if (before === undefined) throw notFound('Event');
      await store.setRetention(eventId, hours);
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'event.recording_retention',
        targetType: 'event',
        targetId: eventId,
        details: { retentionHours: hours, previousHours: before },
      });
      return before;
    });
    if (previous !== hours) this.#onRetentionChanged();
    return hours;
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

/** The longest retention an event may have: a year. */
export const MAX_RETENTION_HOURS = 8760;

export function invalidRetention(): ControlPlaneError {
  return new ControlPlaneError(
    'bad_request',
    `retentionHours must be a whole number of hours from 0 (recording off) to ${MAX_RETENTION_HOURS}.`,
  );
}

/** The recording's file is not readable on this node. */
export function recordingUnavailable(nodeId: string): ControlPlaneError {
  return new ControlPlaneError(
    'not_found',
    `The recording's file is not available on this node (it was written on ${nodeId}); ` +
      'the recordings directory must be shared by all nodes.',
  );
}
