import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer } from '../../packages/server/test/support/postgresServer';
import type { PostgresServerHandle } from '../../packages/server/test/support/postgresServer';
import { BotClient } from '../support/botClient';
import { startCluster } from '../support/cluster';
import type { Cluster, FloorBackend } from '../support/cluster';
import {
  closeMembers,
  connectMembers,
  nextOnEvery,
  noneWithin,
  revokedOf,
  startHeartbeats,
} from '../support/floorMembers';
import type { FloorMember } from '../support/floorMembers';

const SHORT_MAX_DURATION_MS = 1500;
const SHORT_TTL_MS = 1500;
/** How late an expiry may be noticed: the store's watchdog margin (1 s) plus a loaded machine's delays. */
const EXPIRY_SLACK_MS = 3000;

interface Deployment {
  cluster: Cluster;
  members: FloorMember[];
  channels: Record<string, string>;
  eventId: string;
}

/**
 * Starts a deployment in beforeAll (two nodes on Redis, or one node on the in-process store) with four members
 * connected alternately to its nodes and joined to every channel; stops it in afterAll.
 */
function useDeployment(
  backend: FloorBackend,
  postgres: () => PostgresServerHandle | undefined,
  env: Record<string, string>,
  channelNames: string[],
): () => Deployment {
  let deployment: Deployment | undefined;
  let cluster: Cluster | undefined;
  let members: FloorMember[] = [];
  beforeAll(async () => {
    const server = postgres();
    cluster = await startCluster({ backend, env, ...(server !== undefined ? { postgres: server } : {}) });
    const { eventId, channels } = await cluster.createChannels(channelNames);
    const users = await cluster.createUsers(['Ana', 'Ben', 'Cleo', 'Dev'], eventId, Object.values(channels));
    members = await connectMembers(cluster, users, Object.values(channels));
    deployment = { cluster, members, channels, eventId };
  });
  afterAll(async () => {
    closeMembers(members);
    await cluster?.stop();
  });
  return () => {
    if (deployment === undefined) throw new Error('the deployment did not start');
    return deployment;
  };
}

const holderOf = (member: FloorMember): { userId: string; displayName: string } => ({
  userId: member.user.id,
  displayName: member.user.displayName,
});

/**
 * Every floor notification reaches the right sessions on every node: floorTaken and floorIdle to all members
 * of the channel, busy answers naming the holder, floorRevoked to the holder for the maximum talk time, for
 * heartbeats that stop and for removal from the channel.
 */
describe.each<FloorBackend>(['redis', 'in-process'])('floor notifications (%s floor store)', (backend) => {
  let postgres: PostgresServerHandle | undefined;
  beforeAll(async () => {
    if (backend === 'redis') postgres = await startPostgresServer();
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  describe('default limits', () => {
    const deployment = useDeployment(backend, () => postgres, {}, ['Talk', 'Removal']);
    const extraBots: BotClient[] = [];
    afterAll(() => extraBots.forEach((bot) => bot.close()));

    it('announces a grant to every member on every node, answers busy with the holder, announces idle', async () => {
      const { cluster, members, channels, eventId } = deployment();
      const talk = channels.Talk!;
      const [ana, ben, cleo, dev] = members as [FloorMember, FloorMember, FloorMember, FloorMember];
      if (backend === 'redis') expect([ana.node, ben.node, cleo.node, dev.node]).toEqual([0, 1, 0, 1]);

      const granted = await ana.bot.press(talk);
      expect(granted).toMatchObject({ granted: true, maxDurationMs: 60_000 });
      // Every member, on every node, learns the grant's fencing number with the holder.
      const fence = (granted as { grant: number }).grant;
      for (const taken of await nextOnEvery(members, 'floorTaken', talk)) {
        expect(taken).toEqual({ channelId: talk, holder: holderOf(ana), grant: fence });
      }

      // Denied on the holder's node and on the other one, with the holder's name.
      for (const other of [ben, cleo, dev]) {
        expect(await other.bot.press(talk)).toEqual({
          granted: false,
          reason: 'busy',
          holder: holderOf(ana),
          message: 'Ana is speaking.',
        });
      }
      // Asking again while holding keeps the same grant.
      const again = await ana.bot.press(talk);
      expect(again).toMatchObject({ granted: true });
      if (granted.granted && again.granted) expect(again.grantId).toBe(granted.grantId);

      // Someone joining during the talk, on the other node, is told who is talking.
      const [late] = await cluster.createUsers(['Eli'], eventId, [talk]);
      const lateNode = cluster.node(ana.node + 1);
      const eli = await BotClient.connect(lateNode.url, await lateNode.token(late!));
      extraBots.push(eli);
      expect((await eli.join(talk)).floor).toEqual({ state: 'taken', holder: holderOf(ana) });

      expect(await ana.bot.release(talk)).toEqual({ released: true });
      await nextOnEvery(members, 'floorIdle', talk);
      await eli.notification('floorIdle', (data) => data.channelId === talk, 10_000);
      expect(await ana.bot.release(talk)).toEqual({ released: false });

      // The other node's member takes it next; the first holder is now the one denied.
      expect(await ben.bot.press(talk)).toMatchObject({ granted: true });
      for (const taken of await nextOnEvery(members, 'floorTaken', talk)) {
        expect(taken).toEqual({
          channelId: talk,
          holder: holderOf(ben),
          grant: expect.any(Number) as unknown,
        });
      }
      await eli.notification('floorTaken', (data) => data.channelId === talk, 10_000);
      expect(await ana.bot.press(talk)).toMatchObject({
        granted: false,
        reason: 'busy',
        holder: holderOf(ben),
      });
      expect(await ben.bot.release(talk)).toEqual({ released: true });
      await nextOnEvery(members, 'floorIdle', talk);

      // No member was told anything twice, and nobody was revoked.
      await noneWithin(members, 'floorTaken', talk, 300);
      await noneWithin(members, 'floorIdle', talk, 300);
      await noneWithin(members, 'floorRevoked', talk, 300);
    });

    it('revokes the floor of a holder an administrator removes from the channel', async () => {
      const { cluster, members, channels } = deployment();
      const removal = channels.Removal!;
      const [ana, ben, cleo, dev] = members as [FloorMember, FloorMember, FloorMember, FloorMember];

      expect(await ben.bot.press(removal)).toMatchObject({ granted: true });
      await nextOnEvery(members, 'floorTaken', removal);

      // The administrator acts through the holder's node (where the holder's session lives).
      const revoked = revokedOf(ben, removal);
      const accessRevoked = ben.bot.notification(
        'channelAccessRevoked',
        (data) => data.channelId === removal,
      );
      const idle = nextOnEvery([ana, cleo, dev], 'floorIdle', removal);
      await cluster.node(ben.node).unassign(removal, ben.user.id);

      expect((await revoked).reason).toBe('removed_from_channel');
      expect((await accessRevoked).data).toEqual({ channelId: removal, reason: 'unassigned' });
      await idle;

      // The removed holder is out of the channel; the others can talk at once.
      expect(await ben.bot.press(removal)).toMatchObject({ granted: false, reason: 'not_joined' });
      await expect(ben.bot.join(removal)).rejects.toMatchObject({ code: 'forbidden' });
      expect(await dev.bot.press(removal)).toMatchObject({ granted: true });
      for (const taken of await nextOnEvery([ana, cleo, dev], 'floorTaken', removal)) {
        expect(taken).toEqual({
          channelId: removal,
          holder: holderOf(dev),
          grant: expect.any(Number) as unknown,
        });
      }
      expect(await dev.bot.release(removal)).toEqual({ released: true });
      await nextOnEvery([ana, cleo, dev], 'floorIdle', removal);
    });

    it('revokes the floor of a holder removed through another node than the one it is connected to', async () => {
      const { cluster, members, channels } = deployment();
      const removal = channels.Removal!;
      const [ana, , cleo, dev] = members as [FloorMember, FloorMember, FloorMember, FloorMember];

      expect(await cleo.bot.press(removal)).toMatchObject({ granted: true });
      await nextOnEvery([ana, cleo, dev], 'floorTaken', removal);

      // With one node this is the same node; with Redis the removal travels to the holder's node.
      const otherNode = (cleo.node + 1) % cluster.nodes.length;
      const revoked = revokedOf(cleo, removal);
      const accessRevoked = cleo.bot.notification(
        'channelAccessRevoked',
        (data) => data.channelId === removal,
      );
      const idle = nextOnEvery([ana, dev], 'floorIdle', removal);
      await cluster.node(otherNode).unassign(removal, cleo.user.id);

      expect((await revoked).reason).toBe('removed_from_channel');
      expect((await accessRevoked).data).toEqual({ channelId: removal, reason: 'unassigned' });
      await idle;
      expect(await dev.bot.press(removal)).toMatchObject({ granted: true });
      expect(await dev.bot.release(removal)).toEqual({ released: true });
      await nextOnEvery([ana, dev], 'floorIdle', removal);
    });
  });

  describe(`maximum talk time of ${SHORT_MAX_DURATION_MS} ms`, () => {
    const deployment = useDeployment(
      backend,
      () => postgres,
      { SQUELCH_FLOOR_MAX_DURATION_MS: String(SHORT_MAX_DURATION_MS) },
      ['Limit'],
    );

    it('revokes the holder with reason max_duration and frees the channel for everyone', async () => {
      const { members, channels } = deployment();
      const limit = channels.Limit!;
      const [ana, ben] = members as [FloorMember, FloorMember];

      const pressedAt = Date.now();
      expect(await ben.bot.press(limit)).toMatchObject({
        granted: true,
        maxDurationMs: SHORT_MAX_DURATION_MS,
      });
      await nextOnEvery(members, 'floorTaken', limit);
      const heartbeats = startHeartbeats(ben, limit, 400);
      const revoked = await revokedOf(ben, limit, SHORT_MAX_DURATION_MS + 10_000);
      await heartbeats.stop();

      expect(revoked.reason).toBe('max_duration');
      expect(revoked.at - pressedAt).toBeGreaterThanOrEqual(SHORT_MAX_DURATION_MS - 50);
      await nextOnEvery(members, 'floorIdle', limit);
      await expect(ben.bot.call('floor.heartbeat', { channelId: limit })).rejects.toMatchObject({
        code: 'invalid_state',
      });
      expect(await ana.bot.press(limit)).toMatchObject({ granted: true });
      await nextOnEvery(members, 'floorTaken', limit);
      expect(await ana.bot.release(limit)).toEqual({ released: true });
      await nextOnEvery(members, 'floorIdle', limit);
    });
  });

  describe(`lock TTL of ${SHORT_TTL_MS} ms`, () => {
    const deployment = useDeployment(
      backend,
      () => postgres,
      { SQUELCH_FLOOR_TTL_MS: String(SHORT_TTL_MS) },
      ['Expiry'],
    );

    it('keeps a heartbeating holder, then revokes it with reason expired once heartbeats stop', async () => {
      const { members, channels } = deployment();
      const expiry = channels.Expiry!;
      const [ana, ben] = members as [FloorMember, FloorMember];

      expect(await ben.bot.press(expiry)).toMatchObject({ granted: true });
      await nextOnEvery(members, 'floorTaken', expiry);
      const heartbeats = startHeartbeats(ben, expiry, SHORT_TTL_MS / 3);
      // Twice the TTL with heartbeats: the channel stays taken.
      await noneWithin(members, 'floorIdle', expiry, 2 * SHORT_TTL_MS);
      const { lastSentAt, failures } = await heartbeats.stop();
      expect(failures).toEqual([]);

      const revoked = await revokedOf(ben, expiry, SHORT_TTL_MS + 10_000);
      expect(revoked.reason).toBe('expired');
      expect(revoked.at - lastSentAt).toBeGreaterThanOrEqual(SHORT_TTL_MS - 50);
      expect(revoked.at - lastSentAt).toBeLessThanOrEqual(SHORT_TTL_MS + EXPIRY_SLACK_MS);
      await nextOnEvery(members, 'floorIdle', expiry);
      await expect(ben.bot.call('floor.heartbeat', { channelId: expiry })).rejects.toMatchObject({
        code: 'invalid_state',
      });
      expect(await ana.bot.press(expiry)).toMatchObject({ granted: true });
      await nextOnEvery(members, 'floorTaken', expiry);
      expect(await ana.bot.release(expiry)).toEqual({ released: true });
      await nextOnEvery(members, 'floorIdle', expiry);
    });
  });
});
