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
  /** Dispatchers must confirm headphones before the console lets them talk. */
  headphonesRequired: boolean;
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

/** One problem of a roster file; line 1 is the header. */
export interface RosterProblem {
  line: number;
  column: string | null;
  reason: string;
}

export interface RosterPlan {
  createUsers: { line: number; email: string; name: string }[];
  renameUsers: { line: number; email: string; from: string; to: string }[];
  addMembers: { line: number; email: string; role: EventRole }[];
  changeRoles: { line: number; email: string; from: EventRole; to: EventRole }[];
  createTeams: { line: number; team: string }[];
  createChannels: { line: number; team: string; channel: string }[];
  assign: { line: number; email: string; team: string; channel: string }[];
  problems: RosterProblem[];
}

/** The answer of a preview or an import; a refused file has problems and no plan. */
export interface RosterAnswer {
  applied?: boolean;
  plan?: RosterPlan;
  problems?: RosterProblem[];
  message?: string;
}

/** A new sign-in code: shown once, as a card to print or a link to send. */
export interface SigninCard {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  team: string | null;
  code: string;
  link: string;
  qrSvg: string;
  expiresAt: string;
}

export interface SigninCodeItem {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
}
