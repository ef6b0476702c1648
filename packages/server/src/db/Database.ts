import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { migrationProvider } from './migrations';
import { PGliteDialect } from './pgliteDialect';
import type { DB } from './schema';

/** Where the control plane keeps its data. */
export type DatabaseConfig =
  /** Embedded PostgreSQL (WASM) in a data directory; without one it lives in memory only (tests). */
  | { kind: 'pglite'; dataDir?: string }
  /** A PostgreSQL server, e.g. `postgres://user:pass@host:5432/squelch`. */
  | { kind: 'postgres'; url: string; poolSize?: number };

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseConfig['kind'];
  /** Idempotent. */
  close(): Promise<void>;
}

/** Opens the database and applies every pending migration before returning. */
export async function openDatabase(config: DatabaseConfig, logger: Logger): Promise<Database> {
  const log = logger.child({ module: 'database' });
  let db: Kysely<DB>;
  let closeEngine: () => Promise<void>;

  if (config.kind === 'pglite') {
    if (config.dataDir !== undefined) await mkdir(config.dataDir, { recursive: true });
    const pglite = await PGlite.create(config.dataDir !== undefined ? { dataDir: config.dataDir } : {});
    db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    closeEngine = () => pglite.close();
  } else {
    // A database host that stops answering fails a request after 5 s (reported as unavailable) instead of
    // holding it until the operating system gives up on the TCP connection.
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
    });
    // An idle client that loses its server emits here; without a listener the process would crash.
    pool.on('error', (error) => log.warn({ err: error }, 'idle database connection failed'));
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    closeEngine = () => Promise.resolve();
  }

  try {
    await migrate(db, log);
  } catch (error) {
    await db.destroy();
    await closeEngine();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    db,
    kind: config.kind,
    close() {
      closing ??= (async () => {
        await db.destroy();
        await closeEngine();
      })();
      return closing;
    },
  };
}

async function migrate(db: Kysely<DB>, log: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') log.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') log.error({ migration: result.migrationName }, 'migration failed');
  }
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    throw new Error(`Database migration failed: ${reason}`, { cause: error });
  }
}
