import type { Kysely, Migration } from 'kysely';

/** An event can require its dispatchers to confirm headphones before talking from the console. */
export const dispatchHeadphones: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('events')
      .addColumn('dispatch_headphones_required', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('events').dropColumn('dispatch_headphones_required').execute();
  },
};
