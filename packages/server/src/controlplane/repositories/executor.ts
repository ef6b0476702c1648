import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/** Kysely or a transaction of it: repositories run on either. */
export type Executor = Kysely<DB>;

/** True for a PostgreSQL unique-constraint violation (SQLSTATE 23505), from pg or PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}
