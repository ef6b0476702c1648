import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ADMIN, unique, type Harness } from './harness';

/** The signed-in roles of the role × action matrix. */
export type ActorName = 'admin' | 'dispatchA' | 'dispatchB' | 'general';
export const actorNames: readonly ActorName[] = ['admin', 'dispatchA', 'dispatchB', 'general'];

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/**
 * A small deployment: event A (dispatcher `dispatchA`, general member `general` assigned to channel A1 but not
 * A2) and event B (dispatcher `dispatchB`, channel B1). The admin is the bootstrap administrator.
 */
export interface World {
  h: Harness;
  users: Record<ActorName, TestUser>;
  tokens: Record<ActorName, string>;
  eventA: string;
  teamA: string;
  channelA1: string;
  channelA2: string;
  eventB: string;
  teamB: string;
  channelB1: string;
  /** Runs a request as the admin and fails unless it succeeds. */
  asAdmin(options: InjectOptions): Promise<LightMyRequestResponse>;
  createUser(options?: { isAdmin?: boolean }): Promise<TestUser>;
  /** A new event where dispatchA dispatches and `general` is a general member. */
  createEvent(): Promise<string>;
  createTeam(eventId: string): Promise<string>;
  createChannel(teamId: string): Promise<string>;
  setRole(eventId: string, userId: string, role: 'dispatch' | 'general'): Promise<void>;
  assign(channelId: string, userId: string): Promise<void>;
}

export async function buildWorld(h: Harness): Promise<World> {
  const adminToken = await h.login(ADMIN.email, ADMIN.password);

  const asAdmin = async (options: InjectOptions): Promise<LightMyRequestResponse> => {
    const response = await h.request({ ...options, token: adminToken });
    if (response.statusCode >= 300) {
      throw new Error(
        `${options.method} ${JSON.stringify(options.url)} as admin: ${response.statusCode} ${response.body}`,
      );
    }
    return response;
  };
  const idOf = (response: LightMyRequestResponse): string => response.json<{ id: string }>().id;

  const createUser = async (options: { isAdmin?: boolean } = {}): Promise<TestUser> => {
    const name = unique('User');
    const email = `${name.replace(' ', '.').toLowerCase()}.${Date.now()}@test.example`;
    const password = `password-${name}`;
    const response = await asAdmin({
      method: 'POST',
      url: '/api/users',
      payload: { email, displayName: name, password, isAdmin: options.isAdmin ?? false },
    });
    return { id: idOf(response), email, password };
  };
  const setRole = async (eventId: string, userId: string, role: 'dispatch' | 'general'): Promise<void> => {
    await asAdmin({ method: 'PUT', url: `/api/events/${eventId}/members/${userId}`, payload: { role } });
  };
  const assign = async (channelId: string, userId: string): Promise<void> => {
    await asAdmin({ method: 'PUT', url: `/api/channels/${channelId}/members/${userId}` });
  };
  const createTeam = async (eventId: string): Promise<string> =>
    idOf(
      await asAdmin({
        method: 'POST',
        url: `/api/events/${eventId}/teams`,
        payload: { name: unique('Team') },
      }),
    );
  const createChannel = async (teamId: string): Promise<string> =>
    idOf(
      await asAdmin({
        method: 'POST',
        url: `/api/teams/${teamId}/channels`,
        payload: { name: unique('Channel') },
      }),
    );
  const newEvent = async (): Promise<string> =>
    idOf(await asAdmin({ method: 'POST', url: '/api/events', payload: { name: unique('Event') } }));

  const dispatchA = await createUser();
  const dispatchB = await createUser();
  const general = await createUser();
  const eventA = await newEvent();
  const eventB = await newEvent();
  await setRole(eventA, dispatchA.id, 'dispatch');
  await setRole(eventA, general.id, 'general');
  await setRole(eventB, dispatchB.id, 'dispatch');
  const teamA = await createTeam(eventA);
  const channelA1 = await createChannel(teamA);
  const channelA2 = await createChannel(teamA);
  const teamB = await createTeam(eventB);
  const channelB1 = await createChannel(teamB);
  await assign(channelA1, general.id);

  const adminUser = await h.request({ method: 'GET', url: '/api/me', token: adminToken });
  const users: Record<ActorName, TestUser> = {
    admin: {
      id: adminUser.json<{ user: { id: string } }>().user.id,
      email: ADMIN.email,
      password: ADMIN.password,
    },
    dispatchA,
    dispatchB,
    general,
  };
  const tokens: Record<ActorName, string> = {
    admin: adminToken,
    dispatchA: await h.login(dispatchA.email, dispatchA.password),
    dispatchB: await h.login(dispatchB.email, dispatchB.password),
    general: await h.login(general.email, general.password),
  };

  return {
    h,
    users,
    tokens,
    eventA,
    teamA,
    channelA1,
    channelA2,
    eventB,
    teamB,
    channelB1,
    asAdmin,
    createUser,
    async createEvent() {
      const id = await newEvent();
      await setRole(id, dispatchA.id, 'dispatch');
      await setRole(id, general.id, 'general');
      return id;
    },
    createTeam,
    createChannel,
    setRole,
    assign,
  };
}
