/**
 * Emergency against simultaneous presses: rounds of an emergency raise, a general user's press and a
 * dispatcher's press sent at the same instant on one channel from two Squelch nodes sharing Redis and
 * PostgreSQL (see e2e/support/emergencyRounds.ts). Every round must end with the emergency talking and no
 * listener seeing two talkers; prints the counts and raise → answer at the raiser, p50/p99.
 *
 *   npx tsx bench/emergency.ts [--rounds 1000 --pace 40]
 */
import { parseArgs } from 'node:util';
import { startCluster } from '../e2e/support/cluster';
import { emergencyParticipants, runEmergencyRounds } from '../e2e/support/emergencyRounds';
import { percentile } from './lib/stats';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '1000' }, pace: { type: 'string', default: '40' } },
});
const rounds = Number(values.rounds);
const paceMs = Number(values.pace);

const cluster = await startCluster({ backend: 'redis' });
let failed: boolean | undefined;
try {
  const { channelId, participants } = await emergencyParticipants(cluster);
  const started = performance.now();
  try {
    const counts = await runEmergencyRounds(channelId, participants, {
      rounds,
      paceMs,
      onRound: (round) => {
        if ((round + 1) % 100 === 0) process.stderr.write(`  ${round + 1} rounds\n`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const raise = [...counts.raiseMs].sort((a, b) => a - b);
    console.log(`rounds                         ${counts.rounds} in ${seconds.toFixed(1)} s`);
    console.log(`emergency got the floor        ${counts.emergencyWon} / ${counts.rounds}`);
    console.log(`two talkers seen (listeners)   ${counts.twoTalkers}`);
    console.log(`normal presses pre-empted      ${counts.preempted}`);
    console.log(`normal presses busy            ${counts.busy}`);
    console.log(
      `raise → answer (raiser)        p50 ${percentile(raise, 50).toFixed(2)} ms  p99 ${percentile(raise, 99).toFixed(2)} ms  max ${raise.at(-1)?.toFixed(2)} ms`,
    );
    failed = counts.emergencyWon !== counts.rounds || counts.twoTalkers !== 0;
  } finally {
    for (const bot of participants.bots) bot.close();
  }
} finally {
  await cluster.stop();
}
process.exit(failed === false ? 0 : 1);
