import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Emergencies raised on channels: who raised, acknowledged and cleared (or cancelled) each, and when. At most
 * one open (raised or acknowledged) emergency per channel, enforced by a partial unique index so two nodes
 * raising at once agree on one.
 */
export const emergencies: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('emergencies')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('event_id', 'uuid', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('channel_id', 'uuid', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('raised', 'acknowledged', 'cleared', 'cancelled')`),
      )
      .addColumn('raised_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('raised_by_name', 'text', (c) => c.notNull())
      .addColumn('raised_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('acknowledged_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('acknowledged_by_name', 'text')
      .addColumn('acknowledged_at', 'timestamptz')
      .addColumn('ended_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('ended_by_name', 'text')
      .addColumn('ended_at', 'timestamptz')
      .execute();
    await sql`create unique index emergencies_open_channel_idx on emergencies (channel_id)
      where state in ('raised', 'acknowledged')`.execute(db);
    await db.schema
      .createIndex('emergencies_event_idx')
      .on('emergencies')
      .columns(['event_id', 'state'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('emergencies').execute();
  },
};
