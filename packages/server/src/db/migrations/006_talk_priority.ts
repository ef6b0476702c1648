import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Each event's talk priority per role (1..9; a higher number pre-empts a lower one on a busy channel). An
 * administrator talks with the dispatch priority; an emergency is above every role and is not stored here.
 */
export const talkPriority: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('events')
      .addColumn('dispatch_priority', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(2)
          .check(sql`dispatch_priority between 1 and 9`),
      )
      .addColumn('general_priority', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(1)
          .check(sql`general_priority between 1 and 9`),
      )
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('events')
      .dropColumn('dispatch_priority')
      .dropColumn('general_priority')
      .execute();
  },
};
