import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../support/botClient';
import { startTestServer } from '../support/squelchServer';
import type { TestServer } from '../support/squelchServer';

/** A dispatcher monitors many channels over one receive transport; leaving them frees everything again. */
describe('a dispatcher on 50 channels', () => {
  let server: TestServer;
  let bot: BotClient | undefined;

  beforeAll(async () => {
    server = await startTestServer({ workers: 2 });
  });

  afterAll(async () => {
    bot?.close();
    await server?.stop();
  });

  it('has 2 transports and one consumer per channel, and nothing is left after leaving them', async () => {
    const names = Array.from({ length: 50 }, (_, index) => `Ch${index + 1}`);
    const { eventId, channels } = await server.createChannels(names);
    const ids = Object.values(channels);
    const user = await server.createUser('Dora Dispatch', eventId, ids);
    bot = await BotClient.connect(server.url, await server.token(user));
    const streamsBefore = server.squelch.streams.size;
    for (const channelId of ids) await bot.join(channelId);

    const session = server.squelch.signalling.registry.ofUser(user.id)[0]!;
    expect(session.joined.size).toBe(50);
    expect(session.media.transportCount).toBe(2);
    expect(session.media.consumerCount).toBe(50);
    expect(server.squelch.streams.size).toBe(streamsBefore + 50);
    expect(server.squelch.signalling.stats()).toMatchObject({ transports: 2, consumers: 50, producers: 1 });

    // Talking on one of them still works with everything else listened to.
    expect(await bot.press(ids[17]!)).toMatchObject({ granted: true });
    expect(await bot.release(ids[17]!)).toEqual({ released: true });

    for (const channelId of ids) await bot.call('leave', { channelId });
    expect(session.joined.size).toBe(0);
    expect(session.media.consumerCount).toBe(0);
    expect(server.squelch.streams.size).toBe(streamsBefore);
    expect(session.media.transportCount).toBe(2);
  });
});
