import { forbidden, notFound } from '../errors';
import { eventRoleOf } from '../repositories/eventMembers';
import type { Executor } from '../repositories/executor';
import type { Actor, EventRole } from '../types';

/** Users, events and roles are admin settings. */
export function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw forbidden('Only an administrator can do this.');
}

/**
 * Admins, or dispatchers of this event: managing teams, channels and assignments. Someone who is not a member
 * of the event at all gets the same answer as for a resource that does not exist (`what` not found), so ids
 * cannot be probed; a member without the dispatch role is told it is not allowed.
 */
export async function requireDispatchOf(
  db: Executor,
  actor: Actor,
  eventId: string,
  what: string,
): Promise<void> {
  if (actor.isAdmin) return;
  const role = await eventRoleOf(db, eventId, actor.userId);
  if (role === undefined) throw notFound(what);
  if (role !== 'dispatch')
    throw forbidden('Only an administrator or a dispatcher of this event can do this.');
}

/**
 * Admins, or members of this event in any role. Returns the member's role (undefined for an admin). To anyone
 * else the event does not exist (`what` not found), as for an unknown id.
 */
export async function requireMemberOf(
  db: Executor,
  actor: Actor,
  eventId: string,
  what: string,
): Promise<EventRole | undefined> {
  const role = await eventRoleOf(db, eventId, actor.userId);
  if (actor.isAdmin) return role;
  if (role === undefined) throw notFound(what);
  return role;
}
