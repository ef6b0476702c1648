import type {
  AuditEntry,
  Channel,
  ChannelMember,
  EventItem,
  EventMember,
  EventRole,
  Membership,
  RosterAnswer,
  RosterProblem,
  SigninCard,
  SigninCodeItem,
  Team,
  TeamWithChannels,
  User,
} from './types';

/** The fetch wrapper the app shell hands in: bearer token added, server errors thrown as Error(message). */
export type ApiFetch = (path: string, init?: RequestInit) => Promise<unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `{ <key>: [...] }` answers. Items are trusted to match the API's documented schema. */
function listIn<T>(body: unknown, key: string): T[] {
  const list = isRecord(body) ? body[key] : undefined;
  if (!Array.isArray(list)) throw new Error(`The server sent an unexpected answer (no "${key}" list).`);
  return list as T[];
}

function objectOf<T>(body: unknown): T {
  if (!isRecord(body)) throw new Error('The server sent an unexpected answer.');
  return body as T;
}

const id = encodeURIComponent;

/** The REST calls the management pages make, typed. One instance per signed-in user. */
export class AdminApi {
  readonly #fetch: ApiFetch;

  constructor(fetch: ApiFetch) {
    this.#fetch = fetch;
  }

  #get(path: string): Promise<unknown> {
    return this.#fetch(path);
  }

  #send(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    return this.#fetch(path, init);
  }

  // The signed-in user

  async myMemberships(): Promise<Membership[]> {
    return listIn<Membership>(await this.#get('/api/me'), 'memberships');
  }

  // Events

  async listEvents(): Promise<EventItem[]> {
    return listIn<EventItem>(await this.#get('/api/events'), 'events');
  }

  async getEvent(eventId: string): Promise<EventItem> {
    return objectOf<EventItem>(await this.#get(`/api/events/${id(eventId)}`));
  }

  async createEvent(input: { name: string; description: string }): Promise<EventItem> {
    return objectOf<EventItem>(await this.#send('POST', '/api/events', input));
  }

  async updateEvent(
    eventId: string,
    input: { name: string; description: string; headphonesRequired: boolean },
  ): Promise<EventItem> {
    return objectOf<EventItem>(await this.#send('PATCH', `/api/events/${id(eventId)}`, input));
  }

  async deleteEvent(eventId: string): Promise<void> {
    await this.#send('DELETE', `/api/events/${id(eventId)}`);
  }

  // Event members and their roles

  async listMembers(eventId: string): Promise<EventMember[]> {
    return listIn<EventMember>(await this.#get(`/api/events/${id(eventId)}/members`), 'members');
  }

  async setRole(eventId: string, userId: string, role: EventRole): Promise<void> {
    await this.#send('PUT', `/api/events/${id(eventId)}/members/${id(userId)}`, { role });
  }

  async removeMember(eventId: string, userId: string): Promise<void> {
    await this.#send('DELETE', `/api/events/${id(eventId)}/members/${id(userId)}`);
  }

  // Roster import and export (CSV)

  /** What importing the file would do; refusals come back as problems, not as an error. */
  async previewRoster(eventId: string, csv: Blob): Promise<RosterAnswer> {
    return this.#sendCsv(`/api/events/${id(eventId)}/roster/preview`, csv);
  }

  async importRoster(eventId: string, csv: Blob): Promise<RosterAnswer> {
    return this.#sendCsv(`/api/events/${id(eventId)}/roster`, csv);
  }

  /** The roster as CSV text. */
  async exportRoster(eventId: string): Promise<string> {
    const body = await this.#fetch(`/api/events/${id(eventId)}/roster.csv`, {
      headers: { accept: 'text/csv' },
    });
    if (typeof body !== 'string') throw new Error('The server sent an unexpected answer.');
    return body;
  }

  async #sendCsv(path: string, csv: Blob): Promise<RosterAnswer> {
    try {
      return objectOf<RosterAnswer>(
        await this.#fetch(path, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } }),
      );
    } catch (error) {
      // A refused file: its problems ride on the error (see ApiError.details).
      const details = (error as { details?: unknown }).details;
      if (isRecord(details) && Array.isArray(details.problems)) {
        return {
          applied: false,
          problems: details.problems as RosterProblem[],
          message: (error as Error).message,
        };
      }
      throw error;
    }
  }

  // Sign-in codes

  async createSigninCodes(
    eventId: string,
    input: { userIds?: string[]; teamId?: string; ttlSec: number },
  ): Promise<SigninCard[]> {
    return listIn<SigninCard>(
      await this.#send('POST', `/api/events/${id(eventId)}/signin-codes`, input),
      'cards',
    );
  }

  async listSigninCodes(eventId: string, offset: number, limit: number): Promise<SigninCodeItem[]> {
    return listIn<SigninCodeItem>(
      await this.#get(`/api/events/${id(eventId)}/signin-codes?limit=${limit}&offset=${offset}`),
      'codes',
    );
  }

  async revokeSigninCode(codeId: string): Promise<void> {
    await this.#send('DELETE', `/api/signin-codes/${id(codeId)}`);
  }

  // Teams and channels

  async listTeams(eventId: string): Promise<Team[]> {
    return listIn<Team>(await this.#get(`/api/events/${id(eventId)}/teams`), 'teams');
  }

  /** The event's teams, each with its channels (one request per team, in parallel). */
  async listTeamsWithChannels(eventId: string): Promise<TeamWithChannels[]> {
    const teams = await this.listTeams(eventId);
    return Promise.all(teams.map(async (team) => ({ ...team, channels: await this.listChannels(team.id) })));
  }

  async createTeam(eventId: string, name: string): Promise<Team> {
    return objectOf<Team>(await this.#send('POST', `/api/events/${id(eventId)}/teams`, { name }));
  }

  async renameTeam(teamId: string, name: string): Promise<Team> {
    return objectOf<Team>(await this.#send('PATCH', `/api/teams/${id(teamId)}`, { name }));
  }

  async deleteTeam(teamId: string): Promise<void> {
    await this.#send('DELETE', `/api/teams/${id(teamId)}`);
  }

  async listChannels(teamId: string): Promise<Channel[]> {
    return listIn<Channel>(await this.#get(`/api/teams/${id(teamId)}/channels`), 'channels');
  }

  async createChannel(teamId: string, name: string): Promise<Channel> {
    return objectOf<Channel>(await this.#send('POST', `/api/teams/${id(teamId)}/channels`, { name }));
  }

  async renameChannel(channelId: string, name: string): Promise<Channel> {
    return objectOf<Channel>(await this.#send('PATCH', `/api/channels/${id(channelId)}`, { name }));
  }

  async deleteChannel(channelId: string): Promise<void> {
    await this.#send('DELETE', `/api/channels/${id(channelId)}`);
  }

  // Channel assignments

  async listAssigned(channelId: string): Promise<ChannelMember[]> {
    return listIn<ChannelMember>(await this.#get(`/api/channels/${id(channelId)}/members`), 'members');
  }

  async assign(channelId: string, userId: string): Promise<void> {
    await this.#send('PUT', `/api/channels/${id(channelId)}/members/${id(userId)}`);
  }

  async unassign(channelId: string, userId: string): Promise<void> {
    await this.#send('DELETE', `/api/channels/${id(channelId)}/members/${id(userId)}`);
  }

  // Users

  async listUsers(query: { search?: string; limit: number; offset: number }): Promise<User[]> {
    const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
    if (query.search !== undefined && query.search !== '') params.set('search', query.search);
    return listIn<User>(await this.#get(`/api/users?${params.toString()}`), 'users');
  }

  async createUser(input: {
    email: string;
    displayName: string;
    password: string;
    isAdmin: boolean;
  }): Promise<User> {
    return objectOf<User>(await this.#send('POST', '/api/users', input));
  }

  async updateUser(
    userId: string,
    input: { email?: string; displayName?: string; isAdmin?: boolean; disabled?: boolean },
  ): Promise<User> {
    return objectOf<User>(await this.#send('PATCH', `/api/users/${id(userId)}`, input));
  }

  async resetPassword(userId: string, password: string): Promise<void> {
    await this.#send('POST', `/api/users/${id(userId)}/password`, { password });
  }

  // Audit log

  async listAudit(query: { limit: number; before?: number }): Promise<AuditEntry[]> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.before !== undefined) params.set('before', String(query.before));
    return listIn<AuditEntry>(await this.#get(`/api/audit?${params.toString()}`), 'entries');
  }
}
