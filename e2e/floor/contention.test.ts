import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster';
import type { Cluster, FloorBackend } from '../support/cluster';
import { closeMembers, connectMembers, nextOnEvery, noneWithin, pressAll } from '../support/floorMembers';
import type { FloorMember } from '../support/floorMembers';

const CLIENTS = 50;
const ROUNDS = 200;
const ROUND_MIN_MS = 40;

/**
 * Many people press on one channel at the same instant: the server picks exactly one talker per round and
 * tells everybody else who it is. With Redis the clients are spread over two Squelch instances sharing one
 * Redis and one PostgreSQL; with the in-process store they all use one instance.
 */
describe.each<FloorBackend>(['redis', 'in-process'])('simultaneous presses (%s floor store)', (backend) => {
  let cluster: Cluster | undefined;
  let members: FloorMember[] = [];
  let channelId: string;

  beforeAll(async () => {
    cluster = await startCluster({ backend });
    const { eventId, channels } = await cluster.createChannels(['Stage']);
    channelId = channels.Stage!;
    const users = await cluster.createUsers(
      Array.from({ length: CLIENTS }, (_, index) => `Caller ${String(index + 1).padStart(2, '0')}`),
      eventId,
      [channelId],
    );
    members = await connectMembers(cluster, users, [channelId]);
  });

  afterAll(async () => {
    closeMembers(members);
    await cluster?.stop();
  });

  it(`grants exactly one of ${CLIENTS} simultaneous presses per round, ${ROUNDS} rounds`, async () => {
    expect(new Set(members.map((member) => member.node)).size).toBe(cluster!.nodes.length);
    const winsPerNode = cluster!.nodes.map(() => 0);

    for (let round = 0; round < ROUNDS; round += 1) {
      // A round takes at least this long: with channel rights in memory a round can take under 10 ms, and each
      // socket may send 50 messages a second on average (a burst of 100); people do not press faster.
      const paced = new Promise((resolve) => setTimeout(resolve, ROUND_MIN_MS));
      const answers = await pressAll(members, channelId);

      const winners = members.filter((_, index) => answers[index]?.granted === true);
      expect(winners, `round ${round}: granted presses`).toHaveLength(1);
      const winner = winners[0]!;
      winsPerNode[winner.node] = (winsPerNode[winner.node] ?? 0) + 1;
      const holder = { userId: winner.user.id, displayName: winner.user.displayName };
      answers.forEach((answer, index) => {
        if (members[index] === winner) return;
        expect(answer, `round ${round}: answer to ${members[index]!.user.displayName}`).toEqual({
          granted: false,
          reason: 'busy',
          holder,
          message: `${holder.displayName} is speaking.`,
        });
      });

      // Everybody, on every node, learns who talks: the first floorTaken queued is this round's.
      for (const taken of await nextOnEvery(members, 'floorTaken', channelId)) {
        expect(taken, `round ${round}: floorTaken`).toEqual({
          channelId,
          holder,
          grant: expect.any(Number) as unknown,
        });
      }

      expect(await winner.bot.release(channelId)).toEqual({ released: true });
      await nextOnEvery(members, 'floorIdle', channelId);
      await paced;
    }

    // Nothing was announced twice: no stray floor notification is left over or still arriving.
    await noneWithin(members, 'floorTaken', channelId, 500);
    await noneWithin(members, 'floorIdle', channelId, 500);
    expect(winsPerNode.reduce((sum, wins) => sum + wins, 0)).toBe(ROUNDS);
    console.log(`${backend}: grants per node over ${ROUNDS} rounds: ${winsPerNode.join(' / ')}`);
  }, 600_000);
});
