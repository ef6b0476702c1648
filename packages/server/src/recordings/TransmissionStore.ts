import { sql } from 'kysely';
import type { Executor } from '../controlplane/repositories/executor';

/** One recorded transmission as the API shows it. */
export interface TransmissionView {
  id: string;
  channelId: string;
  talkerId: string | null;
  talkerName: string;
  startedAt: string;
  durationMs: number;
  grantNumber: number | null;
  emergency: boolean;
  bytes: number;
}

export interface TransmissionRecord extends TransmissionView {
  eventId: string;
  nodeId: string;
  file: string;
}

export interface NewTransmission {
  eventId: string;
  channelId: string;
  talkerId: string;
  talkerName: string;
  grantId: string;
  grantNumber: number | null;
  emergency: boolean;
  startedAt: Date;
  durationMs: number;
  bytes: number;
  nodeId: string;
  file: string;
}

/** Where a channel's recordings belong and how long they are kept. */
export interface ChannelRecordingPolicy {
  eventId: string;
  retentionHours: number;
}

type Row = {
  id: string;
  event_id: string;
  channel_id: string;
  talker_id: string | null;
  talker_name: string;
  grant_number: string | null;
  emergency: boolean;
  started_at: Date;
  duration_ms: number;
  bytes: number;
  node_id: string;
  file: string;
};

function toRecord(row: Row): TransmissionRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    channelId: row.channel_id,
    talkerId: row.talker_id,
    talkerName: row.talker_name,
    startedAt: new Date(row.started_at).toISOString(),
    durationMs: row.duration_ms,
    grantNumber: row.grant_number === null ? null : Number(row.grant_number),
    emergency: row.emergency,
    bytes: row.bytes,
    nodeId: row.node_id,
    file: row.file,
  };
}

export function toTransmissionView(record: TransmissionRecord): TransmissionView {
  const { eventId: _event, nodeId: _node, file: _file, ...view } = record;
  return view;
}

/** The transmissions table: rows are only ever inserted for complete files. */
export class TransmissionStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async policyOf(channelId: string): Promise<ChannelRecordingPolicy | undefined> {
    const row = await this.#db
      .selectFrom('channels')
      .innerJoin('teams', 'teams.id', 'channels.team_id')
      .innerJoin('events', 'events.id', 'teams.event_id')
      .select(['events.id as eventId', 'events.recording_retention_hours as retentionHours'])
      .where('channels.id', '=', channelId)
      .executeTakeFirst();
    return row;
  }

  async retentionOf(eventId: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('events')
      .select('recording_retention_hours')
      .where('id', '=', eventId)
      .executeTakeFirst();
    return row?.recording_retention_hours;
  }

  async setRetention(eventId: string, hours: number): Promise<void> {
    await this.#db
      .updateTable('events')
      .set({ recording_retention_hours: hours })
      .where('id', '=', eventId)
      .execute();
  }

  async insert(transmission: NewTransmission): Promise<string> {
    const row = await this.#db
      .insertInto('transmissions')
      .values({
        event_id: transmission.eventId,
        channel_id: transmission.channelId,
        talker_id: transmission.talkerId,
        talker_name: transmission.talkerName,
        grant_id: transmission.grantId,
        grant_number: transmission.grantNumber,
        emergency: transmission.emergency,
        started_at: transmission.startedAt,
        duration_ms: transmission.durationMs,
        bytes: transmission.bytes,
        node_id: transmission.nodeId,
        file: transmission.file,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** A channel's transmissions, newest first, optionally only those started after/before an instant. */
  async list(
    channelId: string,
    options: { limit: number; before?: Date; after?: Date },
  ): Promise<TransmissionRecord[]> {
    let query = this.#db.selectFrom('transmissions').selectAll().where('channel_id', '=', channelId);
    if (options.before !== undefined) query = query.where('started_at', '<', options.before);
    if (options.after !== undefined) query = query.where('started_at', '>', options.after);
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map(toRecord);
  }

  async find(id: string): Promise<TransmissionRecord | undefined> {
    const row = await this.#db
      .selectFrom('transmissions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  /** Rows older than their event's retention (all of an event's rows once its retention is 0). */
  async expired(now: Date, limit: number): Promise<TransmissionRecord[]> {
    const rows = await this.#db
      .selectFrom('transmissions')
      .innerJoin('events', 'events.id', 'transmissions.event_id')
      .selectAll('transmissions')
      .where(
        'transmissions.started_at',
        '<',
        sql<Date>`${now}::timestamptz - make_interval(hours => events.recording_retention_hours)`,
      )
      .orderBy('transmissions.started_at')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.deleteFrom('transmissions').where('id', 'in', ids).execute();
  }

  /** Every file name the table refers to (for removing orphans). */
  async hasFile(file: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('transmissions')
      .select('id')
      .where('file', '=', file)
      .executeTakeFirst();
    return row !== undefined;
  }
}
