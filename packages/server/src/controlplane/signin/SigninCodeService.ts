import { createHash, randomBytes } from 'node:crypto';
import { requireDispatchOf } from '../access/policy';
import type { AuthService, Session } from '../auth/AuthService';
import type { LoginLimiter } from '../auth/loginLimiter';
import { ControlPlaneError, conflict, notAuthenticated, notFound } from '../errors';
import { recordAudit } from '../repositories/audit';
import { findEvent } from '../repositories/events';
import type { ServiceContext } from '../services/context';
import type { Actor } from '../types';

/** What a printable card or a message needs: the code itself is only ever returned here, once. */
export interface SigninCard {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  /** The team the person is on (their first team by name), or null. */
  team: string | null;
  code: string;
  expiresAt: Date;
}

export interface SigninCodeView {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewSigninCodes {
  /** People of the event, or … */
  userIds?: string[];
  /** … everyone assigned to a channel of this team. */
  teamId?: string;
  /** How long the codes stay valid; default 12 h, at most 7 days. */
  ttlSec?: number;
}

export const DEFAULT_CODE_TTL_SEC = 12 * 3600;
export const MAX_CODE_TTL_SEC = 7 * 86_400;
/** The limiter's key for code sign-ins (not an e-mail address, so it never meets a real account's key). */
const LIMITER_KEY = '#signin-code';
const CODE = /^[A-Za-z0-9_-]{43}$/;

const hashCode = (code: string): string => createHash('sha256').update(code).digest('hex');

/**
 * Single-use sign-in codes: an admin or a dispatcher of the event creates them for people of the event; a
 * code signs its person in once, before it expires and unless it was revoked. 256 random bits, stored hashed,
 * redeemed under the sign-in rate limits. Administrators' accounts never get codes, and a dispatcher may give
 * codes only to general members.
 */
export class SigninCodeService {
  readonly #ctx: ServiceContext;
  readonly #auth: AuthService;
  readonly #limiter: LoginLimiter;

  constructor(ctx: ServiceContext, deps: { auth: AuthService; limiter: LoginLimiter }) {
    this.#ctx = ctx;
    this.#auth = deps.auth;
    this.#limiter = deps.limiter;
  }

  async create(actor: Actor, eventId: string, input: NewSigninCodes): Promise<SigninCard[]> {
    const db = this.#ctx.db;
    if ((await findEvent(db, eventId)) === undefined) throw notFound('Event');
    await requireDispatchOf(db, actor, eventId, 'Event');
    const ttlSec = input.ttlSec ?? DEFAULT_CODE_TTL_SEC;
    if (!Number.isInteger(ttlSec) || ttlSec < 60 || ttlSec > MAX_CODE_TTL_SEC) {
      throw new ControlPlaneError('bad_request', `A code lasts between 60 s and ${MAX_CODE_TTL_SEC} s.`);
    }
    let query = db
      .selectFrom('event_members')
      .innerJoin('users', 'users.id', 'event_members.user_id')
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.is_admin',
        'users.disabled',
        'event_members.role',
      ])
      .where('event_members.event_id', '=', eventId);
    if (input.teamId !== undefined) {
      const team = await db
        .selectFrom('teams')
        .select('id')
        .where('id', '=', input.teamId)
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      if (team === undefined) throw notFound('Team');
      query = query.where('users.id', 'in', (eb) =>
        eb
          .selectFrom('channel_members')
          .innerJoin('channels', 'channels.id', 'channel_members.channel_id')
          .select('channel_members.user_id')
          .where('channels.team_id', '=', input.teamId ?? ''),
      );
    } else {
      const ids = [...new Set(input.userIds ?? [])];
      if (ids.length === 0)
        throw new ControlPlaneError('bad_request', 'Name the people or the team to create codes for.');
      query = query.where('users.id', 'in', ids);
      const found = await query.select('users.id').execute();
      if (found.length !== ids.length) {
        throw notFound('Some of these people are not members of the event; they were');
      }
    }
    const people = (await query.orderBy('users.display_name').orderBy('users.id').execute()).filter(
      (p) => !p.disabled,
    );
    for (const p of people) {
      if (p.is_admin)
        throw conflict(`${p.display_name} is an administrator; administrators sign in with their password.`);
      if (!actor.isAdmin && p.role !== 'general') {
        throw conflict(
          `Only an administrator can create a sign-in code for ${p.display_name}, a dispatcher.`,
        );
      }
    }
    const teams = await this.#teamsOf(
      eventId,
      people.map((p) => p.id),
    );
    const expiresAt = new Date(Date.now() + ttlSec * 1000);
    return db.transaction().execute(async (tx) => {
      const cards: SigninCard[] = [];
      for (let i = 0; i < people.length; i += 500) {
        const part = people
          .slice(i, i + 500)
          .map((p) => ({ person: p, code: randomBytes(32).toString('base64url') }));
        const rows = await tx
          .insertInto('signin_codes')
          .values(
            part.map(({ person, code }) => ({
              user_id: person.id,
              event_id: eventId,
              code_hash: hashCode(code),
              created_by: actor.userId,
              expires_at: expiresAt,
            })),
          )
          .returning(['id', 'user_id'])
          .execute();
        rows.forEach((row, j) => {
          const entry = part[j];
          if (entry === undefined) return;
          cards.push({
            id: row.id,
            userId: row.user_id,
            email: entry.person.email,
            displayName: entry.person.display_name,
            team: teams.get(row.user_id) ?? null,
            code: entry.code,
            expiresAt,
          });
        });
      }
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'signin_code.create',
        targetType: 'event',
        targetId: eventId,
        details: { count: cards.length, teamId: input.teamId ?? null, expiresAt: expiresAt.toISOString() },
      });
      return cards;
    });
  }

  /** The event's codes, newest first, without their secrets. */
  async list(
    actor: Actor,
    eventId: string,
    options: { limit: number; offset: number },
  ): Promise<SigninCodeView[]> {
    const db = this.#ctx.db;
    if ((await findEvent(db, eventId)) === undefined) throw notFound('Event');
    await requireDispatchOf(db, actor, eventId, 'Event');
    const rows = await db
      .selectFrom('signin_codes')
      .innerJoin('users', 'users.id', 'signin_codes.user_id')
      .select([
        'signin_codes.id',
        'signin_codes.user_id',
        'users.email',
        'users.display_name',
        'signin_codes.created_at',
        'signin_codes.expires_at',
        'signin_codes.used_at',
        'signin_codes.revoked_at',
      ])
      .where('signin_codes.event_id', '=', eventId)
      .orderBy('signin_codes.created_at', 'desc')
      .orderBy('signin_codes.id')
      .limit(options.limit)
      .offset(options.offset)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      email: r.email,
      displayName: r.display_name,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      usedAt: r.used_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revokes an unused code; revoking twice is harmless. */
  async revoke(actor: Actor, codeId: string): Promise<void> {
    const db = this.#ctx.db;
    const row = await db
      .selectFrom('signin_codes')
      .select(['event_id', 'user_id'])
      .where('id', '=', codeId)
      .executeTakeFirst();
    if (row === undefined) throw notFound('Sign-in code');
    await requireDispatchOf(db, actor, row.event_id, 'Sign-in code');
    await db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('signin_codes')
        .set({ revoked_at: new Date() })
        .where('id', '=', codeId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return;
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'signin_code.revoke',
        targetType: 'signin_code',
        targetId: codeId,
        details: { eventId: row.event_id, userId: row.user_id },
      });
    });
  }

  /** Signs the code's person in, once; every refusal says why. Rate limited per client address. */
  async redeem(code: string, clientIp: string): Promise<Session> {
    this.#limiter.attempt(clientIp, LIMITER_KEY);
    const refuse = (message: string): never => {
      this.#limiter.failed(clientIp, LIMITER_KEY);
      this.#ctx.logger.info({ clientIp }, 'sign-in code refused');
      throw notAuthenticated(message);
    };
    if (!CODE.test(code)) return refuse('This sign-in link is not valid. Check that it was copied whole.');
    const db = this.#ctx.db;
    const now = new Date();
    const used = await db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('signin_codes')
        .set({ used_at: now })
        .where('code_hash', '=', hashCode(code))
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['id', 'user_id', 'event_id'])
        .executeTakeFirst();
      if (row !== undefined) {
        await recordAudit(tx, {
          actorId: row.user_id,
          action: 'signin_code.use',
          targetType: 'signin_code',
          targetId: row.id,
          details: { eventId: row.event_id, clientIp },
        });
      }
      return row;
    });
    if (used === undefined) {
      const row = await db
        .selectFrom('signin_codes')
        .select(['used_at', 'revoked_at', 'expires_at'])
        .where('code_hash', '=', hashCode(code))
        .executeTakeFirst();
      if (row === undefined) return refuse('This sign-in link is not valid. Check that it was copied whole.');
      if (row.revoked_at !== null)
        return refuse('This sign-in link was withdrawn. Ask your dispatcher for a new one.');
      if (row.used_at !== null)
        return refuse('This sign-in link has already been used. Ask your dispatcher for a new one.');
      return refuse('This sign-in link has expired. Ask your dispatcher for a new one.');
    }
    this.#limiter.succeeded(clientIp, LIMITER_KEY);
    return this.#auth.startSession(used.user_id);
  }

  /** Each person's first team by name among the teams of the channels they are assigned to. */
  async #teamsOf(eventId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const teams = new Map<string, string>();
    for (let i = 0; i < userIds.length; i += 1000) {
      const rows = await this.#ctx.db
        .selectFrom('channel_members')
        .innerJoin('channels', 'channels.id', 'channel_members.channel_id')
        .innerJoin('teams', 'teams.id', 'channels.team_id')
        .select(['channel_members.user_id', 'teams.name'])
        .where('teams.event_id', '=', eventId)
        .where('channel_members.user_id', 'in', userIds.slice(i, i + 1000))
        .orderBy('teams.name')
        .execute();
      for (const r of rows) if (!teams.has(r.user_id)) teams.set(r.user_id, r.name);
    }
    return teams;
  }
}
