import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { PasswordHasher } from './auth/passwordHasher';
import { recordAudit } from './repositories/audit';
import { addChannelMember } from './repositories/channelMembers';
import { insertChannel } from './repositories/channels';
import { setEventRole } from './repositories/eventMembers';
import { insertEvent } from './repositories/events';
import { insertTeam } from './repositories/teams';
import { insertUser, userCount } from './repositories/users';
import type { ServiceContext } from './services/context';
import type { EventRole } from './types';

/** A demo account, with the password shown once so a person can sign in. */
export interface DemoAccount {
  email: string;
  password: string;
  role: string;
  displayName: string;
}

interface DemoUser {
  email: string;
  displayName: string;
  isAdmin: boolean;
  eventRole?: EventRole;
  /** Names of the channels the user is assigned to. */
  channels: string[];
}

const EVENT = {
  name: 'Demo Festival',
  description: 'A demonstration event with two teams and four channels.',
};
const TEAMS: { name: string; channels: string[] }[] = [
  { name: 'Security', channels: ['Security Main', 'Gates'] },
  { name: 'Medical', channels: ['Medical Main', 'First Aid'] },
];
const USERS: DemoUser[] = [
  { email: 'admin@squelch.local', displayName: 'Ada Admin', isAdmin: true, channels: [] },
  {
    email: 'dispatch@squelch.local',
    displayName: 'Dana Dispatch',
    isAdmin: false,
    eventRole: 'dispatch',
    channels: [],
  },
  {
    email: 'guard1@squelch.local',
    displayName: 'Gus Guard',
    isAdmin: false,
    eventRole: 'general',
    channels: ['Security Main', 'Gates'],
  },
  {
    email: 'guard2@squelch.local',
    displayName: 'Gina Guard',
    isAdmin: false,
    eventRole: 'general',
    channels: ['Security Main'],
  },
  {
    email: 'medic1@squelch.local',
    displayName: 'Max Medic',
    isAdmin: false,
    eventRole: 'general',
    channels: ['Medical Main', 'First Aid'],
  },
  {
    email: 'medic2@squelch.local',
    displayName: 'Mia Medic',
    isAdmin: false,
    eventRole: 'general',
    channels: ['Medical Main'],
  },
];

/** A readable random password: 16 characters from base64url (96 bits). */
function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Seeds the demo event and accounts into an empty database (no users). Returns the accounts with their
 * passwords, or null when the database already had users. Safe against two nodes seeding at once.
 */
export async function seedDemoIfEmpty(
  ctx: ServiceContext,
  hasher: PasswordHasher,
): Promise<DemoAccount[] | null> {
  if ((await userCount(ctx.db)) > 0) return null;
  const accounts = await Promise.all(
    USERS.map(async (u) => {
      const password = randomPassword();
      return { user: u, password, hash: await hasher.hash(password) };
    }),
  );

  const seeded = await ctx.db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('squelch.demo-seed'))`.execute(tx);
    if ((await userCount(tx)) > 0) return false;
    const event = await insertEvent(tx, EVENT);
    const channelIds = new Map<string, string>();
    for (const team of TEAMS) {
      const teamRow = await insertTeam(tx, { event_id: event.id, name: team.name });
      for (const name of team.channels) {
        const channel = await insertChannel(tx, { team_id: teamRow.id, name }, event.id);
        channelIds.set(name, channel.id);
      }
    }
    for (const { user, hash } of accounts) {
      const row = await insertUser(tx, {
        email: user.email,
        display_name: user.displayName,
        password_hash: hash,
        is_admin: user.isAdmin,
      });
      if (user.eventRole !== undefined) await setEventRole(tx, event.id, row.id, user.eventRole);
      for (const name of user.channels) {
        const channelId = channelIds.get(name);
        if (channelId !== undefined) await addChannelMember(tx, channelId, row.id);
      }
    }
    await recordAudit(tx, {
      actorId: null,
      action: 'demo.seed',
      targetType: 'event',
      targetId: event.id,
      details: { users: USERS.length },
    });
    return true;
  });
  if (!seeded) return null;
  ctx.logger.info({ users: USERS.length }, 'demo event seeded');
  return accounts.map(({ user, password }) => ({
    email: user.email,
    password,
    role: user.isAdmin ? 'admin' : (user.eventRole ?? 'general'),
    displayName: user.displayName,
  }));
}
