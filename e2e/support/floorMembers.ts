import type { FloorRequestResult, FloorRevokeReason, JoinResult } from '@squelch/protocol';
import { BotClient } from './botClient';
import type { Cluster } from './cluster';
import type { TestUser } from './squelchServer';

/** One signalling-only client of a floor test: who it is and which node it is connected to. */
export interface FloorMember {
  bot: BotClient;
  user: TestUser;
  /** Index of the node in `cluster.nodes`. */
  node: number;
  /** The join results, by channel id. */
  joined: Map<string, JoinResult>;
}

export interface ConnectOptions {
  /** Node of the i-th member; default i modulo the number of nodes (alternating). */
  nodeOf?: (index: number) => number;
  /** Connections opened at the same time. Default 10. */
  batch?: number;
}

/**
 * Connects one bot per user (member i to node `nodeOf(i)`), each signed in with a token from its own node,
 * and joins every bot to each channel. Bots already connected are closed if a later one fails.
 */
export async function connectMembers(
  cluster: Cluster,
  users: TestUser[],
  channelIds: string[],
  options: ConnectOptions = {},
): Promise<FloorMember[]> {
  const nodeOf = options.nodeOf ?? ((index: number) => index % cluster.nodes.length);
  const batch = options.batch ?? 10;
  const members: FloorMember[] = [];
  try {
    for (let start = 0; start < users.length; start += batch) {
      await Promise.all(
        users.slice(start, start + batch).map(async (user, offset) => {
          const node = nodeOf(start + offset) % cluster.nodes.length;
          const server = cluster.node(node);
          const bot = await BotClient.connect(server.url, await server.token(user));
          const member: FloorMember = { bot, user, node, joined: new Map() };
          members.push(member);
          for (const channelId of channelIds) member.joined.set(channelId, await bot.join(channelId));
        }),
      );
    }
  } catch (error) {
    closeMembers(members);
    throw error;
  }
  members.sort((a, b) => users.indexOf(a.user) - users.indexOf(b.user));
  return members;
}

export function closeMembers(members: Iterable<FloorMember>): void {
  for (const member of members) member.bot.close();
}

/**
 * Sends every member's floor.request for the channel back to back, in one synchronous loop (nothing awaited
 * in between), and returns the answers in the members' order.
 */
export function pressAll(members: FloorMember[], channelId: string): Promise<FloorRequestResult[]> {
  const answers = members.map((member) => member.bot.press(channelId));
  return Promise.all(answers);
}

/** The first queued (or next) notification of this name on the channel, for each member in parallel. */
export function nextOnEvery(
  members: FloorMember[],
  name: 'floorTaken' | 'floorIdle' | 'floorRevoked' | 'channelAccessRevoked',
  channelId: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>[]> {
  return Promise.all(
    members.map(async (member) => {
      const frame = await member.bot.notification(name, (data) => data.channelId === channelId, timeoutMs);
      return frame.data as Record<string, unknown>;
    }),
  );
}

/** Resolves with the revocation reason the member is told, and when it arrived. */
export async function revokedOf(
  member: FloorMember,
  channelId: string,
  timeoutMs = 10_000,
): Promise<{ reason: FloorRevokeReason; at: number }> {
  const frame = await member.bot.notification(
    'floorRevoked',
    (data) => data.channelId === channelId,
    timeoutMs,
  );
  return { reason: (frame.data as { reason: FloorRevokeReason }).reason, at: Date.now() };
}

/**
 * Fails (rejects) if a notification of this name for the channel arrives at any member within `windowMs`;
 * used to show that nothing was sent twice and that a channel did not go idle too early.
 */
export async function noneWithin(
  members: FloorMember[],
  name: 'floorTaken' | 'floorIdle' | 'floorRevoked',
  channelId: string,
  windowMs: number,
): Promise<void> {
  await Promise.all(
    members.map(async (member) => {
      let frame: Record<string, unknown> | undefined;
      try {
        frame = await member.bot.notification(name, (data) => data.channelId === channelId, windowMs);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('timed out')) return;
        throw error;
      }
      throw new Error(`${member.user.displayName} unexpectedly got ${name}: ${JSON.stringify(frame.data)}`);
    }),
  );
}

/**
 * Sends floor.heartbeat for the channel every `intervalMs` until stopped. `stop()` waits for a heartbeat in
 * flight and returns when the last one was sent and how many failed (a heartbeat fails once the floor is lost).
 */
export function startHeartbeats(
  member: FloorMember,
  channelId: string,
  intervalMs: number,
): { stop(): Promise<{ lastSentAt: number; failures: string[] }> } {
  let lastSentAt = 0;
  const failures: string[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const beat = (): void => {
    lastSentAt = Date.now();
    inFlight = member.bot.call('floor.heartbeat', { channelId }).then(
      () => undefined,
      (error: unknown) => {
        failures.push(error instanceof Error ? error.message : String(error));
      },
    );
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      return { lastSentAt, failures };
    },
  };
}
