import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster';
import type { Cluster } from '../support/cluster';
import {
  closeMembers,
  connectMembers,
  nextOnEvery,
  noneWithin,
  revokedOf,
  startHeartbeats,
} from '../support/floorMembers';
import type { FloorMember } from '../support/floorMembers';
import type { TestUser } from '../support/squelchServer';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const HOLDER_SCRIPT = path.join(import.meta.dirname, 'holderProcess.ts');
const TTL_MS = 3000;
/** A closed socket frees the channel within this long. */
const SOCKET_CLOSED_BOUND_MS = 1000;
/** How late an expiry may be noticed: the store's watchdog margin (1 s) plus a loaded machine's delays. */
const EXPIRY_SLACK_MS = 3000;

interface HolderProcess {
  child: ChildProcess;
  /** Resolves with the first line the process prints. */
  firstLine: Promise<string>;
}

/** Starts holderProcess.ts in a Node process of its own (tsx loader, no wrapper process in between). */
function spawnHolder(url: string, token: string, channelId: string): HolderProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER_SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, SQUELCH_URL: url, SQUELCH_TOKEN: token, SQUELCH_CHANNEL: channelId },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`holder process exited (${code ?? signal}) before answering: ${stderr.slice(-2000)}`)),
    );
  });
  firstLine.catch(() => undefined);
  return { child, firstLine };
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.signalCode ?? child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

/**
 * A holder that dies: a client process killed with SIGKILL (its socket is closed by the kernel, so the channel
 * is free within a second), and clients whose socket stays open but that stop heartbeating (the lock runs out
 * after the TTL, not before). Two Squelch nodes share Redis and PostgreSQL; the listeners that must see the
 * channel go idle are on both nodes, the holder on the first.
 */
describe(`a floor holder that dies (two nodes, Redis, TTL ${TTL_MS} ms)`, () => {
  let cluster: Cluster | undefined;
  let listeners: FloorMember[] = [];
  let holders: FloorMember[] = [];
  let doomed: TestUser;
  let channels: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'redis', env: { SQUELCH_FLOOR_TTL_MS: String(TTL_MS) } });
    const made = await cluster.createChannels(['Killed', 'Silent', 'Stopped']);
    channels = made.channels;
    const all = Object.values(channels);
    const [hal, ...others] = await cluster.createUsers(
      ['Hal', 'Lis', 'Max', 'Sam', 'Tea'],
      made.eventId,
      all,
    );
    doomed = hal!;
    // Lis on the second node, Max on the first: both listen. Sam and Tea hold, on the first node.
    listeners = await connectMembers(cluster, others.slice(0, 2), all, { nodeOf: (index) => 1 - index });
    holders = await connectMembers(cluster, others.slice(2), all, { nodeOf: () => 0 });
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
        await exited(child);
      }
    }
    closeMembers([...listeners, ...holders]);
    await cluster?.stop();
  });

  it('frees the channel within a second when the holding process is killed with SIGKILL', async () => {
    const killed = channels.Killed!;
    const [lis] = listeners as [FloorMember, FloorMember];
    const node = cluster!.node(0);
    const holder = spawnHolder(node.url, await node.token(doomed), killed);
    children.push(holder.child);

    expect(await holder.firstLine).toBe('granted');
    for (const taken of await nextOnEvery(listeners, 'floorTaken', killed)) {
      expect(taken).toEqual({
        channelId: killed,
        holder: { userId: doomed.id, displayName: 'Hal' },
        grant: expect.any(Number) as unknown,
      });
    }
    expect(await lis.bot.press(killed)).toMatchObject({ granted: false, reason: 'busy' });

    const idle = nextOnEvery(listeners, 'floorIdle', killed, 10_000).then(() => Date.now());
    const killedAt = Date.now();
    process.kill(holder.child.pid!, 'SIGKILL');
    expect(await exited(holder.child)).toBe('SIGKILL');
    const idleAfterMs = (await idle) - killedAt;
    console.log(`SIGKILLed holder: channel idle on both nodes ${idleAfterMs} ms after the kill`);
    expect(idleAfterMs).toBeLessThanOrEqual(SOCKET_CLOSED_BOUND_MS);

    expect(await lis.bot.press(killed)).toMatchObject({ granted: true });
    await nextOnEvery(listeners, 'floorTaken', killed);
    expect(await lis.bot.release(killed)).toEqual({ released: true });
    await nextOnEvery(listeners, 'floorIdle', killed);
  });

  it('frees the channel after the TTL, not before, when a holder with an open socket never heartbeats', async () => {
    const silent = channels.Silent!;
    const [sam] = holders as [FloorMember, FloorMember];
    const pressedAt = Date.now();
    expect(await sam.bot.press(silent)).toMatchObject({ granted: true });
    await nextOnEvery(listeners, 'floorTaken', silent);

    const idle = nextOnEvery(listeners, 'floorIdle', silent, TTL_MS + 10_000).then(() => Date.now());
    const revoked = await revokedOf(sam, silent, TTL_MS + 10_000);
    const idleAfterMs = (await idle) - pressedAt;
    console.log(`silent holder: revoked after ${revoked.at - pressedAt} ms, idle after ${idleAfterMs} ms`);
    expect(revoked.reason).toBe('expired');
    expect(idleAfterMs).toBeGreaterThanOrEqual(TTL_MS - 50);
    expect(idleAfterMs).toBeLessThanOrEqual(TTL_MS + EXPIRY_SLACK_MS);
    expect(sam.bot.socket.closed).toBeUndefined();
  });

  it('keeps the floor while heartbeats come and frees it one TTL after they stop', async () => {
    const stopped = channels.Stopped!;
    const [, tea] = holders as [FloorMember, FloorMember];
    const [lis] = listeners as [FloorMember, FloorMember];
    expect(await tea.bot.press(stopped)).toMatchObject({ granted: true });
    await nextOnEvery(listeners, 'floorTaken', stopped);

    const heartbeats = startHeartbeats(tea, stopped, TTL_MS / 3);
    await noneWithin([...listeners, tea], 'floorIdle', stopped, 2 * TTL_MS);
    const { lastSentAt, failures } = await heartbeats.stop();
    expect(failures).toEqual([]);
    expect(await lis.bot.press(stopped)).toMatchObject({ granted: false, reason: 'busy' });

    const idle = nextOnEvery(listeners, 'floorIdle', stopped, TTL_MS + 10_000).then(() => Date.now());
    const revoked = await revokedOf(tea, stopped, TTL_MS + 10_000);
    const idleAfterMs = (await idle) - lastSentAt;
    console.log(`holder that stopped heartbeating: idle ${idleAfterMs} ms after its last heartbeat`);
    expect(revoked.reason).toBe('expired');
    expect(idleAfterMs).toBeGreaterThanOrEqual(TTL_MS - 50);
    expect(idleAfterMs).toBeLessThanOrEqual(TTL_MS + EXPIRY_SLACK_MS);
    expect(await lis.bot.press(stopped)).toMatchObject({ granted: true });
    expect(await lis.bot.release(stopped)).toEqual({ released: true });
  });
});
