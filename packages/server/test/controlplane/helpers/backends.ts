import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { DatabaseConfig } from '../../../src/db/Database';
import { startPostgresServer, type PostgresServerHandle } from '../../support/postgresServer';

export type BackendKind = 'postgres' | 'pglite';

/** Hands out fresh, empty databases of one kind. */
export interface Backend {
  kind: BackendKind;
  /** A new empty database (PGlite: in memory unless a data directory is asked for). */
  newDatabase(): Promise<DatabaseConfig>;
  /** PGlite: a new empty data directory; PostgreSQL: a new database. Reopening the config reaches the same data. */
  newPersistentDatabase(): Promise<DatabaseConfig>;
}

/**
 * Runs the same suite against a real PostgreSQL server and against PGlite. The PostgreSQL server is started
 * once per suite and stopped afterwards, also when tests fail.
 */
export function describeOnBackends(title: string, suite: (backend: Backend) => void): void {
  for (const kind of ['postgres', 'pglite'] as const) {
    describe(`${title} [${kind}]`, () => {
      let server: PostgresServerHandle | undefined;
      const dirs: string[] = [];

      beforeAll(async () => {
        if (kind === 'postgres') server = await startPostgresServer();
      });
      afterAll(async () => {
        await server?.stop();
        await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
      });

      const postgres = async (): Promise<DatabaseConfig> => {
        if (server === undefined) throw new Error('PostgreSQL test server not started');
        return { kind: 'postgres', url: await server.createDatabase(), poolSize: 4 };
      };
      suite({
        kind,
        newDatabase: () => (kind === 'postgres' ? postgres() : Promise.resolve({ kind: 'pglite' })),
        async newPersistentDatabase() {
          if (kind === 'postgres') return postgres();
          const dir = await mkdtemp(join(tmpdir(), 'squelch-pglite-'));
          dirs.push(dir);
          return { kind: 'pglite', dataDir: join(dir, 'data') };
        },
      });
    });
  }
}
