import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../packages/server/test/support/freePort';
import { httpsGet } from './httpsGet';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(REPO_ROOT, 'packages/server/src/main.ts');
const STOP_GRACE_MS = 10_000;

export interface NodeProcessOptions {
  /** Configuration of the node (DATABASE_URL, REDIS_URL, SQUELCH_JWT_SECRET, SQUELCH_NODE_ID, ...). */
  env: Record<string, string>;
  /** How long to wait for /readyz to answer 200. Default 60 000. */
  startTimeoutMs?: number;
  /** A data directory prepared by the test (removed on stop like the default temporary one). */
  dataDir?: string;
}

export interface NodeProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** The last lines the process wrote to stdout and stderr. */
  output(): string;
  /**
   * Sends `signal` (default SIGTERM: graceful shutdown), SIGKILL after a grace period; removes the data
   * directory; resolves with the exit code (null when ended by a signal). Idempotent.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs one Squelch node as its own Node process (`node --import tsx packages/server/src/main.ts`, no wrapper
 * process in between, so the PID is the server's), bound to 127.0.0.1 on a free port with a temporary data
 * directory, and waits until /readyz reports every dependency usable. Its output is kept (the last lines)
 * and shown if it fails to start.
 */
export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'squelch-node-')));
  const port = options.env.SQUELCH_PORT !== undefined ? Number(options.env.SQUELCH_PORT) : await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      SQUELCH_HOST: '127.0.0.1',
      SQUELCH_PORT: String(port),
      SQUELCH_DATA_DIR: dataDir,
      SQUELCH_RTC_LISTEN_IP: '127.0.0.1',
      SQUELCH_SEED_DEMO: 'false',
      SQUELCH_LOG_LEVEL: 'warn',
      SQUELCH_DEV_PAGES: 'true',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 100) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `https://127.0.0.1:${port}`;
  let stopping: Promise<number | null> | undefined;
  const handle: NodeProcess = {
    url,
    pid: child.pid ?? 0,
    dataDir,
    output: () => output.join(''),
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopping ??= (async () => {
        await terminate(child, signal);
        await rm(dataDir, { recursive: true, force: true });
        return child.exitCode;
      })();
      return stopping;
    },
  };
  try {
    await waitReady(child, url, options.startTimeoutMs ?? 60_000);
    return handle;
  } catch (error) {
    await handle.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n${output.join('').slice(-3000)}`, { cause: error });
  }
}

async function waitReady(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the node exited during start (${child.exitCode ?? child.signalCode})`);
    }
    const status = await httpsGet(`${url}/readyz`, 2000).then(
      (answer) => answer.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`the node was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(pid, signal);
  const timer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
