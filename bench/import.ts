/**
 * Roster import speed: a generated CSV of N people (10 teams × 6 channels, 1-2 channels each, every 50th a
 * dispatcher) previewed and applied into an empty event, then applied again (a no-op), on PGlite and on a
 * real PostgreSQL server. Prints one line per backend and size.
 *
 *   npx tsx bench/import.ts [--rows 1000,5000] [--backends pglite,postgres]
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ControlPlane } from '../packages/server/src/controlplane/ControlPlane';
import type { Actor } from '../packages/server/src/controlplane/types';
import type { DatabaseConfig } from '../packages/server/src/db/Database';
import { startPostgresServer } from '../packages/server/test/support/postgresServer';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000,5000' },
    backends: { type: 'string', default: 'pglite,postgres' },
  },
});
const sizes = values.rows.split(',').map(Number);
const backends = values.backends.split(',');
const logger = pino({ level: 'silent' });

function roster(people: number, tag: string): Buffer {
  const lines = ['email,name,role,team,channels'];
  for (let i = 0; i < people; i += 1) {
    const c = Math.floor(i / 10) % 6;
    const channels = [`Ch ${c}`, ...(i % 3 === 0 ? [`Ch ${(c + 1) % 6}`] : [])];
    lines.push(
      `p${i}.${tag}@bench.example,"Steward ${i}",${i % 50 === 0 ? 'dispatch' : 'general'},Team ${i % 10},${channels.join(';')}`,
    );
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

async function run(kind: string, database: DatabaseConfig): Promise<void> {
  const cp = await ControlPlane.open({
    database,
    auth: {
      jwtSecret: 'bench-only-jwt-secret-0123456789abcdefghijkl',
      passwordHashing: { memoryCostKiB: 64, timeCost: 1, parallelism: 1 },
    },
    logger,
  });
  try {
    const admin = await cp.bootstrapAdmin({
      email: 'bench@bench.example',
      displayName: 'Bench',
      password: 'bench-admin-password-1',
    });
    if (admin === null) throw new Error('database not empty');
    const actor: Actor = { userId: admin.id, displayName: admin.displayName, isAdmin: true };
    for (const size of sizes) {
      const event = await cp.services.events.create(actor, { name: `Bench ${size}` });
      const file = roster(size, `${kind}${size}`);
      const [plan, previewMs] = await timed(() => cp.services.roster.preview(actor, event.id, file));
      if (plan.problems.length > 0)
        throw new Error(`unexpected problems: ${JSON.stringify(plan.problems[0])}`);
      const [applied, applyMs] = await timed(() => cp.services.roster.apply(actor, event.id, file));
      const [again, againMs] = await timed(() => cp.services.roster.apply(actor, event.id, file));
      const [csv, exportMs] = await timed(() => cp.services.roster.export(actor, event.id));
      console.log(
        `${kind.padEnd(8)} rows=${String(size).padStart(5)}  preview ${previewMs.toFixed(0).padStart(5)} ms  ` +
          `apply ${applyMs.toFixed(0).padStart(5)} ms (${applied.plan.assign.length} assignments)  ` +
          `re-apply ${againMs.toFixed(0).padStart(5)} ms (changed: ${again.applied})  ` +
          `export ${exportMs.toFixed(0).padStart(4)} ms (${(csv.length / 1024).toFixed(0)} KiB)`,
      );
    }
  } finally {
    await cp.close();
  }
}

for (const kind of backends) {
  if (kind === 'pglite') {
    await run('pglite', { kind: 'pglite' });
  } else if (kind === 'postgres') {
    const server = await startPostgresServer();
    try {
      await run('postgres', { kind: 'postgres', url: await server.createDatabase(), poolSize: 4 });
    } finally {
      await server.stop();
    }
  } else {
    throw new Error(`unknown backend ${kind}`);
  }
}
