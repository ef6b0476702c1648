import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Per-event role of a member. Admin is global and lives on the user row. */
export type EventRole = 'dispatch' | 'general';

/** A timestamp column: the database fills it in, code reads a Date. */
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  is_admin: Generated<boolean>;
  disabled: Generated<boolean>;
  /** Access tokens issued before this instant are no longer accepted (password reset, disable). */
  sessions_revoked_at: Date | null;
  created_at: CreatedAt;
}

export interface EventsTable {
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  /** Hours a transmission recording is kept; 0 = the event is not recorded. */
  recording_retention_hours: Generated<number>;
  /** Dispatchers must confirm headphones before the console lets them talk (feedback guard). */
  dispatch_headphones_required: Generated<boolean>;
  /** Talk priority of the event's dispatchers (and admins), 1..9. */
  dispatch_priority: Generated<number>;
  /** Talk priority of the event's general users, 1..9. */
  general_priority: Generated<number>;
  created_at: CreatedAt;
}

export interface TeamsTable {
  id: Generated<string>;
  event_id: string;
  name: string;
  created_at: CreatedAt;
}

export interface ChannelsTable {
  id: Generated<string>;
  team_id: string;
  name: string;
  created_at: CreatedAt;
}

export interface EventMembersTable {
  event_id: string;
  user_id: string;
  role: EventRole;
  created_at: CreatedAt;
}

export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  /** Written as a JSON string, read back as the parsed value. */
  details: ColumnType<Record<string, unknown>, string, never>;
  at: CreatedAt;
}

export type RefreshTokenRevocation =
  'rotated' | 'logout' | 'reuse' | 'password_reset' | 'password_changed' | 'disabled';

export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  /** All tokens descended from one login share a family; reuse of a rotated token revokes the family. */
  family_id: string;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: RefreshTokenRevocation | null;
}

/** A single-use sign-in code (link / QR code) for one person; only its hash is stored. */
export interface SigninCodesTable {
  id: Generated<string>;
  user_id: string;
  event_id: string;
  code_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export interface TransmissionsTable {
  id: Generated<string>;
  event_id: string;
  channel_id: string;
  talker_id: string | null;
  talker_name: string;
  grant_id: string;
  /** bigint: read back as a string by the drivers. */
  grant_number: ColumnType<string | null, number | null | undefined, never>;
  emergency: Generated<boolean>;
  started_at: Date;
  duration_ms: number;
  bytes: number;
  node_id: string;
  /** Path of the Ogg Opus file, relative to the recordings directory. */
  file: string;
}

/** An emergency raised on a channel (the names are kept so the record outlives a deleted account). */
export interface EmergenciesTable {
  id: Generated<string>;
  event_id: string;
  channel_id: string;
  state: 'raised' | 'acknowledged' | 'cleared' | 'cancelled';
  raised_by: string | null;
  raised_by_name: string;
  raised_at: CreatedAt;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  acknowledged_at: Date | null;
  ended_by: string | null;
  ended_by_name: string | null;
  ended_at: Date | null;
}

/** The database as Kysely sees it. */
export interface DB {
  users: UsersTable;
  events: EventsTable;
  teams: TeamsTable;
  channels: ChannelsTable;
  event_members: EventMembersTable;
  channel_members: ChannelMembersTable;
  audit_log: AuditLogTable;
  refresh_tokens: RefreshTokensTable;
  signin_codes: SigninCodesTable;
  transmissions: TransmissionsTable;
  emergencies: EmergenciesTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type EventRow = Selectable<EventsTable>;
export type TeamRow = Selectable<TeamsTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
