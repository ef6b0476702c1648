import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/Database';
import { registerApi } from '../../src/http/api';
import { describeOnBackends } from './helpers/backends';
import { ADMIN, openControlPlane, openHarness, silentLogger } from './helpers/harness';

describeOnBackends('control plane lifecycle', (backend) => {
  it('seeds the demo event once, with accounts that can sign in', async () => {
    const cp = await openControlPlane(await backend.newDatabase());
    const app = Fastify({ logger: false });
    try {
      await registerApi(app, cp, silentLogger);
      const accounts = await cp.seedDemoIfEmpty();
      expect(accounts).not.toBeNull();
      const roles = (accounts ?? []).map((a) => a.role).sort();
      expect(roles).toEqual(['admin', 'dispatch', 'general', 'general', 'general', 'general']);
      const passwords = new Set((accounts ?? []).map((a) => a.password));
      expect(passwords.size).toBe(6);
      expect(await cp.seedDemoIfEmpty()).toBeNull();

      const byRole = (role: string) => (accounts ?? []).find((a) => a.role === role);
      const signIn = async (role: string) => {
        const account = byRole(role);
        const response = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: account?.email, password: account?.password },
        });
        expect(response.statusCode, response.body).toBe(200);
        return response.json<{ accessToken: string }>().accessToken;
      };
      const channelsOf = async (token: string) => {
        const response = await app.inject({
          method: 'GET',
          url: '/api/me/channels',
          headers: { authorization: `Bearer ${token}` },
        });
        const events = response.json<{ events: { name: string; teams: { channels: unknown[] }[] }[] }>()
          .events;
        expect(events.map((e) => e.name)).toEqual(['Demo Festival']);
        return events.flatMap((e) => e.teams.flatMap((t) => t.channels));
      };
      expect(await channelsOf(await signIn('admin'))).toHaveLength(4);
      expect(await channelsOf(await signIn('dispatch'))).toHaveLength(4);
      const general = await channelsOf(await signIn('general'));
      expect(general.length).toBeGreaterThan(0);
      expect(general.length).toBeLessThan(4);
    } finally {
      await app.close();
      await cp.close();
    }
  });

  it('does not seed a database that already has users', async () => {
    const h = await openHarness(await backend.newDatabase());
    try {
      expect(await h.cp.seedDemoIfEmpty()).toBeNull();
      expect(await h.cp.bootstrapAdmin({ ...ADMIN, email: 'second@test.example' })).toBeNull();
    } finally {
      await h.close();
    }
  });

  it('keeps its data and applies no migration twice when reopened', async () => {
    const config = await backend.newPersistentDatabase();
    const first = await openControlPlane(config);
    const accounts = await first.seedDemoIfEmpty();
    await first.close();
    await first.close(); // idempotent

    const second = await openControlPlane(config);
    try {
      expect(await second.seedDemoIfEmpty()).toBeNull();
      const app = Fastify({ logger: false });
      await registerApi(app, second, silentLogger);
      const admin = accounts?.find((a) => a.role === 'admin');
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: admin?.email, password: admin?.password },
      });
      expect(login.statusCode).toBe(200);
      await app.close();
    } finally {
      await second.close();
    }

    const database = await openDatabase(config, silentLogger);
    try {
      const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        database.db,
      );
      // Every migration applied exactly once, in order.
      expect(migrations.rows.map((r) => r.name)).toEqual([
        '001_initial',
        '004_signin_codes',
        '005_transmissions',
        '006_talk_priority',
        '010_dispatch_headphones',
        '011_emergencies',
      ]);
    } finally {
      await database.close();
    }
  });

  it('rolls a failed transaction back and runs concurrent queries safely', async () => {
    const database = await openDatabase(await backend.newDatabase(), silentLogger);
    try {
      const db = database.db;
      await expect(
        db.transaction().execute(async (tx) => {
          await tx.insertInto('events').values({ name: 'Rolled back' }).execute();
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const rolledBack = await db
        .selectFrom('events')
        .select('id')
        .where('name', '=', 'Rolled back')
        .execute();
      expect(rolledBack).toHaveLength(0);

      // Transactions and plain queries issued together neither interleave nor deadlock.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 === 0
            ? db.transaction().execute(async (tx) => {
                const event = await tx
                  .insertInto('events')
                  .values({ name: `Parallel ${i}` })
                  .returning('id')
                  .executeTakeFirstOrThrow();
                await tx.insertInto('teams').values({ event_id: event.id, name: 'T' }).execute();
              })
            : db
                .insertInto('events')
                .values({ name: `Parallel ${i}` })
                .execute(),
        ),
      );
      const count = await db
        .selectFrom('events')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('name', 'like', 'Parallel %')
        .executeTakeFirstOrThrow();
      expect(count.n).toBe(10);
    } finally {
      await database.close();
    }
  });

  it('mounts beside a root cookie plugin and a root not-found handler without taking them over', async () => {
    const cp = await openControlPlane(await backend.newDatabase());
    const app = Fastify({ logger: false });
    try {
      await app.register(fastifyCookie);
      app.setNotFoundHandler((_request, reply) => reply.code(404).send({ root: true }));
      await registerApi(app, cp, silentLogger);
      await app.ready();
      const api = await app.inject({ method: 'GET', url: '/api/nope' });
      expect(api.json()).toMatchObject({ error: { code: 'not_found' } });
      const elsewhere = await app.inject({ method: 'GET', url: '/elsewhere' });
      expect(elsewhere.json()).toEqual({ root: true });
      const refresh = await app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { squelch_refresh: 'unknown' },
      });
      expect(refresh.statusCode).toBe(401);
    } finally {
      await app.close();
      await cp.close();
    }
  });

  it('refuses a JWT secret that is too short before opening anything', async () => {
    await expect(openControlPlane(await backend.newDatabase(), { jwtSecret: 'short' })).rejects.toThrow(
      /32 bytes/,
    );
  });
});
