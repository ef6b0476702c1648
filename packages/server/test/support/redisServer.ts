import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from './freePort';
import type { Redis } from 'ioredis';

/**
 * A real, throw-away redis-server for tests: no persistence, bound to 127.0.0.1 on a free port. `stop()`
 * ends it by PID (SIGTERM, then SIGKILL); `restart()` starts a fresh, empty one on the same port.
 */
export interface RedisServerHandle {
  url: string;
  port: number;
  pid(): number | undefined;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export interface RedisServerOptions {
  binary?: string;
  /** Extra command-line arguments, for example ['--rename-command', 'CONFIG', '']. */
  args?: string[];
  /** How long to wait for PING to answer. Default 10 000. */
  startTimeoutMs?: number;
}

const STOP_GRACE_MS = 5000;
const PORT_ATTEMPTS = 5;

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? '/usr/bin/redis-server';
  const args = options.args ?? [];
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = await freePort();
    try {
      const child = await launch(binary, port, args, startTimeoutMs);
      return new RedisServer(binary, port, args, startTimeoutMs, child);
    } catch (error) {
      lastError = error; // most likely the port was taken between choosing and binding it
    }
  }
  throw new Error(`Could not start redis-server after ${PORT_ATTEMPTS} attempts`, { cause: lastError });
}

class RedisServer implements RedisServerHandle {
  readonly url: string;
  #child: ChildProcess | undefined;

  constructor(
    readonly binary: string,
    readonly port: number,
    readonly args: string[],
    readonly startTimeoutMs: number,
    child: ChildProcess,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    this.#child = child;
  }

  pid(): number | undefined {
    return this.#child?.pid;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child !== undefined) await terminate(child);
  }

  async restart(): Promise<void> {
    await this.stop();
    const deadline = Date.now() + this.startTimeoutMs;
    for (;;) {
      try {
        this.#child = await launch(this.binary, this.port, this.args, this.startTimeoutMs);
        return;
      } catch (error) {
        // The old socket may linger for a moment; anything else will keep failing until the deadline.
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

async function launch(
  binary: string,
  port: number,
  args: string[],
  timeoutMs: number,
): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited (${code ?? signal}) on port ${port}: ${output.join('').trim()}`)),
    );
  });
  exited.catch(() => undefined); // observed below; keeps an early exit from being reported as unhandled
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  try {
    await Promise.race([waitForPing(port, timeoutMs), exited]);
    return child;
  } catch (error) {
    await terminate(child);
    throw error;
  }
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/** SIGTERM, then SIGKILL if the process has not exited within the grace period. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Waits (up to 5 s) until `count` connections are subscribed to a pub/sub channel. */
export async function waitForSubscribers(admin: Redis, channel: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const [, subscribed] = (await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    if (subscribed >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${channel}: fewer than ${count} subscribers after 5 s`);
}
