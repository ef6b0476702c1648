import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001_initial';
import { signinCodes } from './004_signin_codes';
import { transmissions } from './005_transmissions';
import { talkPriority } from './006_talk_priority';
import { dispatchHeadphones } from './010_dispatch_headphones';
import { emergencies } from './011_emergencies';

/**
 * Every migration, keyed by a name that sorts in the order they must run. Listed here (rather than found by
 * scanning a folder) so they work the same under tsx, vitest and any bundler.
 */
const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '004_signin_codes': signinCodes,
  '005_transmissions': transmissions,
  '006_talk_priority': talkPriority,
  '010_dispatch_headphones': dispatchHeadphones,
  '011_emergencies': emergencies,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
