import type { FloorHolder } from './FloorStore';

/**
 * Talk priorities. Each event sets one per role (1..MAX_ROLE_PRIORITY); an administrator talks with the
 * event's dispatch priority. A press whose priority is strictly higher than the holder's pre-empts the holder;
 * equal or lower is busy. An emergency talks above every role, so only another emergency is not pre-empted.
 */
export const MIN_ROLE_PRIORITY = 1;
export const MAX_ROLE_PRIORITY = 9;
export const EMERGENCY_PRIORITY = 100;

export interface TalkPriorities {
  dispatch: number;
  general: number;
}

/** Dispatch above General. */
export const DEFAULT_TALK_PRIORITIES: Readonly<TalkPriorities> = { dispatch: 2, general: 1 };

export type TalkRole = 'admin' | 'dispatch' | 'general';

/** The priority a role talks with under an event's settings. */
export function priorityOfRole(role: TalkRole, priorities: TalkPriorities): number {
  return role === 'general' ? priorities.general : priorities.dispatch;
}

/** A holder's priority; grants stored before priorities existed count as 0. */
export function priorityOf(holder: FloorHolder): number {
  return holder.priority ?? 0;
}

/** Whether a request with `priority` takes the channel from `holder`. */
export function preempts(priority: number, holder: FloorHolder): boolean {
  return priority > priorityOf(holder);
}
