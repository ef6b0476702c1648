import type { EmergencyRaiseResult, FloorRequestResult, UserSummary } from '@squelch/protocol';
import { BotClient } from './botClient';
import type { Cluster } from './cluster';
import type { TestUser } from './squelchServer';

/**
 * Follows one channel's floor as a listener on one node sees it, from the notifications alone: who holds it,
 * and how often a second holder was announced while one still held it (two talkers at once).
 */
class FloorWatch {
  holder: UserSummary | null = null;
  overlaps = 0;
  readonly #waiters = new Set<() => void>();

  constructor(bot: BotClient, channelId: string) {
    bot.socket.discard = (frame) => {
      const data = frame.data as { channelId?: string; holder?: UserSummary } | undefined;
      if (data?.channelId === channelId && frame.notification === 'floorTaken') {
        if (this.holder !== null) this.overlaps += 1;
        this.holder = data.holder ?? null;
      } else if (data?.channelId === channelId && frame.notification === 'floorIdle') {
        this.holder = null;
      }
      for (const wake of this.#waiters) wake();
      return frame.notification !== undefined;
    };
  }

  /** Resolves once the channel's holder is `userId` (null: idle). */
  until(userId: string | null, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if ((this.holder?.userId ?? null) !== userId) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(`the floor did not go to ${userId ?? 'nobody'} (holder: ${this.holder?.displayName})`),
        );
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}

export interface EmergencyRoundParticipants {
  /** One raiser per node, one general user per node, one dispatcher per node, one listener per node. */
  raisers: { bot: BotClient; user: TestUser }[];
  generals: { bot: BotClient; user: TestUser }[];
  dispatchers: { bot: BotClient; user: TestUser }[];
  watches: FloorWatch[];
  bots: BotClient[];
}

export interface EmergencyRoundCounts {
  rounds: number;
  /** Rounds whose emergency got the floor (must be all). */
  emergencyWon: number;
  /** Normal presses granted before the emergency arrived, then pre-empted (by the emergency or a dispatcher). */
  preempted: number;
  /** Normal presses answered busy. */
  busy: number;
  /** A second holder announced while one held the channel, as seen by the listeners (must be 0). */
  twoTalkers: number;
  /** Raise → answer at the raiser, ms, per round. */
  raiseMs: number[];
}

/** Creates and connects everyone for `runEmergencyRounds`: on every node a raiser, a general user, a dispatcher and a listener. */
export async function emergencyParticipants(cluster: Cluster): Promise<{
  channelId: string;
  participants: EmergencyRoundParticipants;
}> {
  const first = cluster.node(0);
  const { eventId, channels } = await first.createChannels(['Pitch']);
  const channelId = channels.Pitch!;
  const bots: BotClient[] = [];
  const connect = async (user: TestUser, node: number): Promise<{ bot: BotClient; user: TestUser }> => {
    const server = cluster.node(node);
    const bot = await BotClient.connect(server.url, await server.token(user));
    bots.push(bot);
    await bot.join(channelId);
    return { bot, user };
  };
  const participants: EmergencyRoundParticipants = {
    raisers: [],
    generals: [],
    dispatchers: [],
    watches: [],
    bots,
  };
  try {
    for (let node = 0; node < cluster.nodes.length; node += 1) {
      const n = node + 1;
      participants.raisers.push(
        await connect(await first.createUser(`Raiser ${n}`, eventId, [channelId]), node),
      );
      participants.generals.push(
        await connect(await first.createUser(`Steward ${n}`, eventId, [channelId]), node),
      );
      participants.dispatchers.push(
        await connect(await first.createUser(`Control ${n}`, eventId, [channelId], 'dispatch'), node),
      );
      const listener = await connect(await first.createUser(`Listener ${n}`, eventId, [channelId]), node);
      participants.watches.push(new FloorWatch(listener.bot, channelId));
    }
  } catch (error) {
    for (const bot of bots) bot.close();
    throw error;
  }
  // Notifications nobody reads are dropped, except floorRevoked (checked each round).
  for (const { bot } of [...participants.raisers, ...participants.generals, ...participants.dispatchers]) {
    bot.socket.discard = (frame) => frame.notification !== undefined && frame.notification !== 'floorRevoked';
  }
  return { channelId, participants };
}

/**
 * Rounds of an emergency raise, a general user's press and a dispatcher's press sent at the same instant from
 * both nodes (the order of sending rotates): the emergency must end up holding the channel every time, every
 * normal press granted before it must be revoked 'preempted', and no listener may see two holders at once.
 * The raiser then cancels (its microphone closes) and the channel must go idle everywhere. Rounds take at least
 * `paceMs` (the per-socket message rate). Throws at the first broken rule, naming the round.
 */
export async function runEmergencyRounds(
  channelId: string,
  participants: EmergencyRoundParticipants,
  options: { rounds: number; paceMs: number; onRound?: (round: number) => void },
): Promise<EmergencyRoundCounts> {
  const counts: EmergencyRoundCounts = {
    rounds: 0,
    emergencyWon: 0,
    preempted: 0,
    busy: 0,
    twoTalkers: 0,
    raiseMs: [],
  };
  const nodes = participants.raisers.length;
  for (let round = 0; round < options.rounds; round += 1) {
    const paced = new Promise((resolve) => setTimeout(resolve, options.paceMs));
    const raiser = participants.raisers[round % nodes]!;
    const general = participants.generals[(round + 1) % nodes]!;
    const dispatcher = participants.dispatchers[(round + Math.floor(round / nodes)) % nodes]!;
    const sends: (() => Promise<unknown>)[] = [
      () => raiser.bot.call('emergency.raise', { channelId }),
      () => general.bot.press(channelId),
      () => dispatcher.bot.press(channelId),
    ];
    const shift = round % 3;
    const ordered = [...sends.slice(shift), ...sends.slice(0, shift)];
    const started = performance.now();
    const promises = ordered.map((send) => send());
    const answers = [...promises.slice(3 - shift), ...promises.slice(0, 3 - shift)];
    const raised = (await answers[0]) as EmergencyRaiseResult;
    counts.raiseMs.push(performance.now() - started);
    const presses = (await Promise.all(answers.slice(1))) as FloorRequestResult[];
    if (!raised.floor.granted) {
      throw new Error(`round ${round}: the emergency did not get the floor: ${JSON.stringify(raised.floor)}`);
    }
    counts.emergencyWon += 1;
    for (const [index, answer] of presses.entries()) {
      const presser = index === 0 ? general : dispatcher;
      if (answer.granted) {
        const revoked = await presser.bot.notification(
          'floorRevoked',
          (data) => data.channelId === channelId,
          5000,
        );
        const reason = (revoked.data as { reason: string }).reason;
        if (reason !== 'preempted')
          throw new Error(`round ${round}: ${presser.user.displayName} lost the floor: ${reason}`);
        counts.preempted += 1;
      } else if (answer.reason === 'busy') {
        counts.busy += 1;
      } else {
        throw new Error(`round ${round}: ${presser.user.displayName}'s press: ${JSON.stringify(answer)}`);
      }
    }
    await Promise.all(participants.watches.map((watch) => watch.until(raiser.user.id, 5000)));
    await raiser.bot.call('emergency.cancel', { emergencyId: raised.emergency.emergencyId });
    const ended = await raiser.bot.notification('floorRevoked', (data) => data.channelId === channelId, 5000);
    if ((ended.data as { reason: string }).reason !== 'emergency_elapsed') {
      throw new Error(`round ${round}: the raiser's talk ended with ${JSON.stringify(ended.data)}`);
    }
    await Promise.all(participants.watches.map((watch) => watch.until(null, 5000)));
    counts.rounds += 1;
    options.onRound?.(round);
    await paced;
  }
  counts.twoTalkers = participants.watches.reduce((sum, watch) => sum + watch.overlaps, 0);
  return counts;
}
