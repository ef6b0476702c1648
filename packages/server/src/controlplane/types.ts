import type { EventRole } from '../db/schema';

export type { EventRole };

/** A user's overall role: admin if global admin, otherwise their highest per-event role. */
export type Role = 'admin' | 'dispatch' | 'general';

/** Who a valid access token belongs to, as the database says now. */
export interface Identity {
  userId: string;
  displayName: string;
  role: Role;
}

/** The signed-in user behind an API request. */
export interface Actor {
  userId: string;
  displayName: string;
  isAdmin: boolean;
}

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: Date;
}

export interface EventView {
  id: string;
  name: string;
  description: string;
  /** Dispatchers must confirm headphones before the console lets them talk. */
  headphonesRequired: boolean;
  createdAt: Date;
}

export interface TeamView {
  id: string;
  eventId: string;
  name: string;
  createdAt: Date;
}

export interface ChannelView {
  id: string;
  teamId: string;
  eventId: string;
  name: string;
  createdAt: Date;
}

export interface EventMemberView {
  userId: string;
  email: string;
  displayName: string;
  disabled: boolean;
  role: EventRole;
}

export interface ChannelMemberView {
  userId: string;
  email: string;
  displayName: string;
  disabled: boolean;
}

export interface AuditEntryView {
  id: number;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  at: Date;
}

/** "My events and channels": what the signed-in user may see and use. */
export interface MyEventView {
  id: string;
  name: string;
  role: Role;
  headphonesRequired: boolean;
  teams: { id: string; name: string; channels: { id: string; name: string }[] }[];
}
