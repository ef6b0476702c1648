import type { FloorRequestResult } from '@squelch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import { closeMembers, connectMembers, nextOnEvery, revokedOf } from '../support/floorMembers';
import type { FloorMember } from '../support/floorMembers';

/** How long the nodes may take to notice Redis is back and catch up (reconnection back-off is at most 2 s). */
const RECOVERY_BOUND_MS = 15_000;

/** Presses every 200 ms until granted; returns every answer and how long it took. */
async function pressUntilGranted(
  member: FloorMember,
  channelId: string,
  timeoutMs: number,
): Promise<{ answers: FloorRequestResult[]; elapsedMs: number }> {
  const started = Date.now();
  const answers: FloorRequestResult[] = [];
  for (;;) {
    const answer = await member.bot.press(channelId);
    answers.push(answer);
    if (answer.granted) return { answers, elapsedMs: Date.now() - started };
    if (Date.now() - started > timeoutMs) {
      throw new Error(`not granted within ${timeoutMs} ms; last answer ${JSON.stringify(answer)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Redis restarted (empty: it keeps nothing on disk) while a channel is taken. Both nodes notice the outage,
 * answer "unavailable" meanwhile, and when Redis is back they reconcile by themselves: the lost grant ends on
 * every node (the holder is told its floor was revoked, every member that the channel is idle), and the next
 * press is granted. The TTL is the default 30 s, so nothing here is explained by a lock running out.
 */
describe('Redis restarted while a channel is taken (two nodes)', () => {
  let cluster: Cluster | undefined;
  let members: FloorMember[] = [];
  let channels: Record<string, string>;

  beforeAll(async () => {
    // The nodes log every refused request while Redis is away; that is expected here.
    const logLevel = process.env.SQUELCH_TEST_LOG_LEVEL ?? 'error';
    cluster = await startCluster({ backend: 'redis', env: { SQUELCH_LOG_LEVEL: logLevel } });
    const made = await cluster.createChannels(['Restart', 'Outage']);
    channels = made.channels;
    const users = await cluster.createUsers(
      ['Ana', 'Ben', 'Cleo', 'Dev'],
      made.eventId,
      Object.values(channels),
    );
    members = await connectMembers(cluster, users, Object.values(channels));
  });

  afterAll(async () => {
    closeMembers(members);
    await cluster?.stop();
  });

  /** Waits until every node's floor store reports itself healthy. */
  async function allNodesHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cluster!.nodes.every((node) => node.squelch.floorStore.isHealthy())) {
      if (Date.now() > deadline) throw new Error('a floor store did not report healthy again');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('ends the lost grant on both nodes and grants the next press after a quick restart', async () => {
    const channelId = channels.Restart!;
    const [ana, ben] = members as [FloorMember, FloorMember];
    expect(await ana.bot.press(channelId)).toMatchObject({ granted: true });
    await nextOnEvery(members, 'floorTaken', channelId);

    const revoked = revokedOf(ana, channelId, RECOVERY_BOUND_MS + 10_000);
    const idle = nextOnEvery(members, 'floorIdle', channelId, RECOVERY_BOUND_MS + 10_000);
    const restartedAt = Date.now();
    await cluster!.redis!.restart();
    const upAt = Date.now();

    const { answers, elapsedMs } = await pressUntilGranted(ben, channelId, RECOVERY_BOUND_MS);
    const grantedAfterMs = upAt - restartedAt + elapsedMs;
    // Never busy: the old holder's lock is gone with the old Redis, and nobody else pressed.
    for (const answer of answers.slice(0, -1)) expect(answer).toMatchObject({ reason: 'unavailable' });

    const { reason, at } = await revoked;
    await idle;
    console.log(
      `quick restart: Redis back after ${upAt - restartedAt} ms; old holder revoked (${reason}) ` +
        `${at - restartedAt} ms after the restart began; next press granted after ${grantedAfterMs} ms ` +
        `(${answers.length - 1} unavailable answers before)`,
    );
    expect(reason).toBe('expired');
    await expect(ana.bot.call('floor.heartbeat', { channelId })).rejects.toMatchObject({
      code: 'invalid_state',
    });

    for (const taken of await nextOnEvery(members, 'floorTaken', channelId)) {
      expect(taken).toEqual({
        channelId,
        holder: { userId: ben.user.id, displayName: 'Ben' },
        grant: expect.any(Number) as unknown,
      });
    }
    expect(await ana.bot.press(channelId)).toMatchObject({ granted: false, reason: 'busy' });
    expect(await ben.bot.release(channelId)).toEqual({ released: true });
    await nextOnEvery(members, 'floorIdle', channelId);
  });

  it('answers unavailable while Redis is down and recovers by itself when it comes back', async () => {
    await allNodesHealthy(RECOVERY_BOUND_MS);
    const channelId = channels.Outage!;
    const [ana, ben, cleo] = members as [FloorMember, FloorMember, FloorMember];
    expect(await ben.bot.press(channelId)).toMatchObject({ granted: true });
    await nextOnEvery(members, 'floorTaken', channelId);

    const revoked = revokedOf(ben, channelId, 60_000);
    const idle = nextOnEvery(members, 'floorIdle', channelId, 60_000);
    await cluster!.redis!.stop();
    const stoppedAt = Date.now();

    // Down: presses on both nodes are answered "unavailable", the holder's heartbeat fails the same way.
    for (const member of [ana, cleo]) {
      const deadline = Date.now() + RECOVERY_BOUND_MS;
      let answer = await member.bot.press(channelId);
      while (answer.granted === false && answer.reason === 'busy' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        answer = await member.bot.press(channelId);
      }
      expect(answer).toEqual({
        granted: false,
        reason: 'unavailable',
        message: 'Floor control is unavailable; try again.',
      });
    }
    await expect(ben.bot.call('floor.heartbeat', { channelId })).rejects.toMatchObject({
      code: 'unavailable',
    });
    for (const node of cluster!.nodes) {
      const readiness = await node.squelch.http.inject({ method: 'GET', url: '/readyz' });
      expect(readiness.statusCode).toBe(503);
      expect(readiness.json()).toMatchObject({ status: 'not_ready', checks: { floorStore: false } });
    }

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const restartedAt = Date.now();
    await cluster!.redis!.restart();

    const { answers, elapsedMs } = await pressUntilGranted(cleo, channelId, RECOVERY_BOUND_MS);
    const grantedAfterMs = Date.now() - restartedAt;
    for (const answer of answers.slice(0, -1)) expect(answer).toMatchObject({ reason: 'unavailable' });
    const { reason, at } = await revoked;
    await idle;
    console.log(
      `outage of ${restartedAt - stoppedAt} ms: old holder revoked (${reason}) ${at - restartedAt} ms after ` +
        `Redis was started again; next press granted ${grantedAfterMs} ms after it was started ` +
        `(presses for ${elapsedMs} ms, ${answers.length - 1} unavailable answers before)`,
    );
    expect(reason).toBe('expired');
    await allNodesHealthy(RECOVERY_BOUND_MS);
    for (const node of cluster!.nodes) {
      expect((await node.squelch.http.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    }

    for (const taken of await nextOnEvery(members, 'floorTaken', channelId)) {
      expect(taken).toEqual({
        channelId,
        holder: { userId: cleo.user.id, displayName: 'Cleo' },
        grant: expect.any(Number) as unknown,
      });
    }
    expect(await cleo.bot.release(channelId)).toEqual({ released: true });
    await nextOnEvery(members, 'floorIdle', channelId);
  });
});
