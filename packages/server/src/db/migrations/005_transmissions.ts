import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Transmission history: one row per complete recording file, and each event's retention (hours; 0 turns
 * recording off for the event).
 */
export const transmissions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('events')
      .addColumn('recording_retention_hours', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(24)
          .check(sql`recording_retention_hours >= 0`),
      )
      .execute();
    await db.schema
      .createTable('transmissions')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('event_id', 'uuid', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('channel_id', 'uuid', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('talker_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('talker_name', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text', (c) => c.notNull())
      // The floor grant's fencing number, when the floor service issues one.
      .addColumn('grant_number', 'bigint')
      .addColumn('emergency', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('file', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('transmissions_channel_started_idx')
      .on('transmissions')
      .columns(['channel_id', 'started_at'])
      .execute();
    await db.schema
      .createIndex('transmissions_started_idx')
      .on('transmissions')
      .column('started_at')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('transmissions').execute();
    await db.schema.alterTable('events').dropColumn('recording_retention_hours').execute();
  },
};
