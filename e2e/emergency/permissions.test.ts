import type { Emergency, EmergencyRaiseResult } from '@squelch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../support/botClient';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import type { TestUser } from '../support/squelchServer';

const TALK_MS = 1500;

/** The server's refusal of a call: its code and sentence. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message: message.replace(/^[^:]+: [a-z_]+: /, '') };
  }
  throw new Error('the call was not refused');
}

async function emergencyNews(bot: BotClient, state: string, timeoutMs = 5000): Promise<Emergency> {
  const frame = await bot.notification(
    'emergencyChanged',
    (data) => (data.emergency as Emergency).state === state,
    timeoutMs,
  );
  return (frame.data as { emergency: Emergency }).emergency;
}

async function nothingWithin(bot: BotClient, windowMs: number): Promise<void> {
  try {
    const frame = await bot.notification('emergencyChanged', () => true, windowMs);
    throw new Error(`unexpected emergencyChanged: ${JSON.stringify(frame.data)}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('timed out')) return;
    throw error;
  }
}

/**
 * Emergency rules on two nodes sharing Redis and PostgreSQL: who may raise, cancel, acknowledge and clear,
 * every refusal `forbidden` (or the state's reason) with a sentence; who is told, on which node; the raise
 * pre-empts a talker and opens the raiser's microphone for the configured time; audit entries are written.
 */
describe('emergency rules across two nodes', () => {
  let cluster: Cluster;
  let stage: string;
  let gate: string;
  let eventId: string;
  const bots: BotClient[] = [];
  let raiser: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let dispatcher: TestUser;
  let strangerDispatcher: TestUser;

  const connect = async (user: TestUser, node: number, channels: string[]): Promise<BotClient> => {
    const server = cluster.node(node);
    const bot = await BotClient.connect(server.url, await server.token(user));
    bots.push(bot);
    for (const channelId of channels) await bot.join(channelId);
    return bot;
  };

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'redis', env: { SQUELCH_EMERGENCY_TALK_MS: String(TALK_MS) } });
    const first = cluster.node(0);
    const made = await first.createChannels(['Stage', 'Gate']);
    eventId = made.eventId;
    stage = made.channels.Stage!;
    gate = made.channels.Gate!;
    const other = await first.createChannels(['Elsewhere']);
    raiser = await first.createUser('Guard Ana', eventId, [stage]);
    member = await first.createUser('Guard Ben', eventId, [stage]);
    outsider = await first.createUser('Guard Cy', eventId, [gate]);
    dispatcher = await first.createUser('Dispatch Dee', eventId, [], 'dispatch');
    strangerDispatcher = await first.createUser('Dispatch Eve', other.eventId, [], 'dispatch');
  });

  afterAll(async () => {
    for (const bot of bots) bot.close();
    await cluster?.stop();
  });

  it('enforces each rule and tells exactly the people concerned', async () => {
    const ana = await connect(raiser, 0, [stage]);
    const ben = await connect(member, 1, [stage]);
    const cy = await connect(outsider, 1, [gate]);
    const dee = await connect(dispatcher, 1, []);
    const eve = await connect(strangerDispatcher, 0, []);

    // Nobody outside the channel raises on it.
    expect(await refusal(cy.call('emergency.raise', { channelId: stage }))).toEqual({
      code: 'forbidden',
      message: 'You can raise an emergency only on a channel you are assigned to.',
    });

    // Ben (node 2) is talking; Ana (node 1) raises: Ben is pre-empted by her, she holds the channel.
    expect(await ben.press(stage)).toMatchObject({ granted: true });
    const raised = (await ana.call('emergency.raise', { channelId: stage })) as EmergencyRaiseResult;
    expect(raised.floor).toMatchObject({ granted: true });
    expect(raised.talkMs).toBe(TALK_MS);
    expect(raised.emergency).toMatchObject({
      state: 'raised',
      channelId: stage,
      eventId,
      channelName: 'Stage',
      raisedBy: { userId: raiser.id, displayName: 'Guard Ana' },
    });
    const raisedAt = Date.now();
    const revoked = await ben.notification('floorRevoked', (data) => data.channelId === stage);
    expect(revoked.data).toEqual({
      channelId: stage,
      reason: 'preempted',
      by: { userId: raiser.id, displayName: 'Guard Ana' },
    });
    const id = raised.emergency.emergencyId;

    // Told: the dispatcher on the other node, the channel's members; not the outsider nor another event's dispatcher.
    for (const bot of [dee, ben, ana]) expect((await emergencyNews(bot, 'raised')).emergencyId).toBe(id);
    await Promise.all([nothingWithin(cy, 500), nothingWithin(eve, 500)]);

    // A dispatcher's press does not cut into the emergency.
    const deeOnStage = await connect(dispatcher, 1, []);
    await cluster.node(0).assign(stage, dispatcher.id);
    await deeOnStage.join(stage);
    expect(await deeOnStage.press(stage)).toMatchObject({ granted: false, reason: 'busy' });

    // Only the raiser cancels; only the event's dispatchers acknowledge and clear.
    expect(await refusal(ben.call('emergency.cancel', { emergencyId: id }))).toEqual({
      code: 'forbidden',
      message: 'Only the person who raised an emergency can cancel it; a dispatcher clears it.',
    });
    for (const [bot, verb] of [
      [ana, 'acknowledge'],
      [ben, 'clear'],
      [eve, 'acknowledge'],
      [eve, 'clear'],
    ] as const) {
      expect(await refusal(bot.call(`emergency.${verb}`, { emergencyId: id }))).toEqual({
        code: 'forbidden',
        message: `Only a dispatcher or administrator of this event can ${verb} an emergency.`,
      });
    }
    expect(await refusal(dee.call('emergency.clear', { emergencyId: id }))).toEqual({
      code: 'invalid_state',
      message: 'Acknowledge the emergency before clearing it.',
    });
    expect(await refusal(dee.call('emergency.acknowledge', { emergencyId: crypto.randomUUID() }))).toEqual({
      code: 'not_found',
      message: 'There is no such emergency.',
    });

    // The open microphone ends by itself after the configured time, and the channel is free again.
    const elapsed = await ana.notification(
      'floorRevoked',
      (data) => data.channelId === stage,
      TALK_MS + 5000,
    );
    expect(elapsed.data).toEqual({ channelId: stage, reason: 'emergency_elapsed' });
    const openFor = Date.now() - raisedAt;
    expect(openFor).toBeGreaterThan(TALK_MS - 300);
    expect(openFor).toBeLessThan(TALK_MS + 3000);
    await ben.notification('floorIdle', (data) => data.channelId === stage);

    // A dispatcher who signs in during the open emergency is told about it.
    const late = await connect(dispatcher, 0, []);
    expect((await emergencyNews(late, 'raised')).emergencyId).toBe(id);

    const acknowledged = (await dee.call('emergency.acknowledge', { emergencyId: id })) as {
      emergency: Emergency;
    };
    expect(acknowledged.emergency).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: { userId: dispatcher.id, displayName: 'Dispatch Dee' },
    });
    for (const bot of [ana, ben, late]) await emergencyNews(bot, 'acknowledged');
    const cleared = (await dee.call('emergency.clear', { emergencyId: id })) as { emergency: Emergency };
    expect(cleared.emergency).toMatchObject({ state: 'cleared', endedBy: { userId: dispatcher.id } });
    for (const bot of [ana, ben, late]) await emergencyNews(bot, 'cleared');
    expect(await refusal(ana.call('emergency.cancel', { emergencyId: id }))).toEqual({
      code: 'invalid_state',
      message: 'This emergency was already cleared by Dispatch Dee.',
    });

    // The raiser may cancel her own next one (a false alarm); everybody concerned is told.
    const second = (await ana.call('emergency.raise', { channelId: stage })) as EmergencyRaiseResult;
    expect(second.emergency.emergencyId).not.toBe(id);
    await emergencyNews(dee, 'raised');
    const cancelled = (await ana.call('emergency.cancel', {
      emergencyId: second.emergency.emergencyId,
    })) as { emergency: Emergency };
    expect(cancelled.emergency).toMatchObject({ state: 'cancelled', endedBy: { userId: raiser.id } });
    expect(await ana.notification('floorRevoked', (data) => data.channelId === stage)).toMatchObject({
      data: { reason: 'emergency_elapsed' },
    });
    await emergencyNews(dee, 'cancelled');

    // The audit log holds each step, by whom.
    const audit = await cluster
      .node(1)
      .squelch.controlPlane.db.selectFrom('audit_log')
      .select(['action', 'actor_id', 'target_id'])
      .where('target_type', '=', 'emergency')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'emergency.raise', actor_id: raiser.id, target_id: id },
      { action: 'emergency.acknowledge', actor_id: dispatcher.id, target_id: id },
      { action: 'emergency.clear', actor_id: dispatcher.id, target_id: id },
      { action: 'emergency.raise', actor_id: raiser.id, target_id: second.emergency.emergencyId },
      { action: 'emergency.cancel', actor_id: raiser.id, target_id: second.emergency.emergencyId },
    ]);
  }, 120_000);
});
