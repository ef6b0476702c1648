import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import { emergencyParticipants, runEmergencyRounds } from '../support/emergencyRounds';
import type { EmergencyRoundParticipants } from '../support/emergencyRounds';

/** The 1000 rounds: about a minute on an idle machine. */
const ROUNDS = 1000;
/** Each socket may send 50 messages a second on average; a round sends at most two per socket. */
const ROUND_MIN_MS = 40;

/**
 * An emergency, a general user's press and a dispatcher's press at the same instant on one channel, from two
 * nodes sharing Redis and PostgreSQL, round after round: the emergency always ends up talking, whatever was
 * granted before it is pre-empted, and no listener on either node ever sees two talkers. The timings of the
 * rounds: bench/emergency.ts.
 */
describe('emergency against simultaneous presses on two nodes', () => {
  let cluster: Cluster | undefined;
  let channelId: string;
  let participants: EmergencyRoundParticipants | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'redis' });
    ({ channelId, participants } = await emergencyParticipants(cluster));
  });

  afterAll(async () => {
    for (const bot of participants?.bots ?? []) bot.close();
    await cluster?.stop();
  });

  it(`the emergency wins each of ${ROUNDS} rounds, never two talkers`, async () => {
    const counts = await runEmergencyRounds(channelId, participants!, {
      rounds: ROUNDS,
      paceMs: ROUND_MIN_MS,
    });
    expect(counts.rounds).toBe(ROUNDS);
    expect(counts.emergencyWon).toBe(ROUNDS);
    expect(counts.twoTalkers).toBe(0);
    // Both outcomes of a normal press occur: sometimes it lands first and is pre-empted, sometimes it is busy.
    expect(counts.preempted + counts.busy).toBe(2 * ROUNDS);
    expect(counts.preempted).toBeGreaterThan(0);
    expect(counts.busy).toBeGreaterThan(0);
  }, 600_000);
});
