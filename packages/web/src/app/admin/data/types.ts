/** What the management pages work with, as the REST API answers it (dates stay ISO strings). */

export type GlobalRole = 'admin' | 'dispatch' | 'general';
export type EventRole = 'dispatch' | 'general';

export interface Me {
  userId: string;
  displayName: string;
  role: GlobalRole;
}

export interface EventItem {
  id: string;
  name: string;
  description: string;
  createdAt: string;
}

export interface Team {
  id: string;
  eventId: string;
  name: string;
  createdAt: string;
}

export interface Channel {
  id: string;
  teamId: string;
  eventId: string;
  name: string;
  createdAt: string;
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface EventMember {
  userId: string;
  email: string;
  displayName: string;
  disabled: boolean;
  role: EventRole;
}

export interface ChannelMember {
  userId: string;
  email: string;
  displayName: string;
  disabled: boolean;
}

export interface Membership {
  eventId: string;
  role: EventRole;
}

export interface AuditEntry {
  id: number;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  at: string;
}

/** A team with its channels, as the teams page shows them. */
export interface TeamWithChannels extends Team {
  channels: Channel[];
}
