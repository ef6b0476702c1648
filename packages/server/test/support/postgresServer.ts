import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './freePort';

const run = promisify(execFile);

/**
 * A real, throw-away PostgreSQL server for tests: a fresh cluster in a temporary directory, listening on
 * 127.0.0.1 on a free port with its unix socket in that directory, durability switched off for speed.
 * PostgreSQL refuses to run as root, so under root it runs as the `postgres` system user. `stop()` ends it by
 * PID and removes the directory.
 */
export interface PostgresServerHandle {
  /** Connection URL of the `postgres` database, superuser `postgres`, no password. */
  url: string;
  port: number;
  /** PID of the postmaster (a new one after `resume()`). */
  readonly pid: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server process (fast shutdown, by PID), keeping its data: clients find nothing listening. */
  halt(): Promise<void>;
  /** Starts the halted server again on the same port with the same data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Folder with initdb and postgres; default: the first of the usual Debian places that has them. */
  binDir?: string;
  startTimeoutMs?: number;
}

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'];
const STOP_GRACE_MS = 10_000;
const PORT_ATTEMPTS = 5;
let databaseCounter = 0;

export async function startPostgresServer(
  options: PostgresServerOptions = {},
): Promise<PostgresServerHandle> {
  const binDir = options.binDir ?? (await findBinDir());
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = await mkdtemp(join(tmpdir(), 'squelch-pg-'));
  try {
    const owner = await systemUser();
    if (owner !== undefined) await chown(dir, owner.uid, owner.gid);
    const dataDir = join(dir, 'data');
    await runToEnd(owner !== undefined, join(binDir, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    let lastError: unknown;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
      const port = await freePort();
      try {
        const child = await launch(
          owner !== undefined,
          join(binDir, 'postgres'),
          dataDir,
          dir,
          port,
          startTimeoutMs,
        );
        const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
        return new PostgresServer(dir, port, pid, child, {
          asPostgres: owner !== undefined,
          binary: join(binDir, 'postgres'),
          dataDir,
          startTimeoutMs,
        });
      } catch (error) {
        lastError = error; // most likely the port was taken between choosing and binding it
      }
    }
    throw new Error(`Could not start PostgreSQL after ${PORT_ATTEMPTS} attempts`, { cause: lastError });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface LaunchSettings {
  asPostgres: boolean;
  binary: string;
  dataDir: string;
  startTimeoutMs: number;
}

class PostgresServer implements PostgresServerHandle {
  readonly url: string;
  readonly #launch: LaunchSettings;
  #pid: number;
  #child: ChildProcess | undefined;
  #stopping: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly port: number,
    pid: number,
    child: ChildProcess,
    launchSettings: LaunchSettings,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    this.#pid = pid;
    this.#child = child;
    this.#launch = launchSettings;
  }

  get pid(): number {
    return this.#pid;
  }

  async halt(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child !== undefined) await this.#end(child);
  }

  async resume(): Promise<void> {
    if (this.#child !== undefined || this.#stopping !== undefined) return;
    const { asPostgres, binary, dataDir, startTimeoutMs } = this.#launch;
    this.#child = await launch(asPostgres, binary, dataDir, this.dir, this.port, startTimeoutMs);
    this.#pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  }

  async createDatabase(name?: string): Promise<string> {
    databaseCounter += 1;
    const database = name ?? `test_${process.pid}_${databaseCounter}_${Date.now().toString(36)}`;
    if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsafe database name: ${database}`);
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`create database ${database}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child !== undefined) await this.#end(child);
    await rm(this.dir, { recursive: true, force: true });
  }

  async #end(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // SIGINT is PostgreSQL's "fast shutdown": disconnect clients, stop.
    signal(this.#pid, 'SIGINT');
    const timer = setTimeout(() => {
      signal(this.#pid, 'SIGKILL');
      if (child.pid !== undefined) signal(child.pid, 'SIGKILL');
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function findBinDir(): Promise<string> {
  for (const dir of BIN_DIRS) {
    try {
      await access(join(dir, 'initdb'));
      await access(join(dir, 'postgres'));
      return dir;
    } catch {
      // try the next one
    }
  }
  throw new Error(`PostgreSQL binaries (initdb, postgres) not found in ${BIN_DIRS.join(', ')}`);
}

/** Under root: the uid/gid of the `postgres` user that will own the cluster. Otherwise undefined. */
async function systemUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

function spawnAs(asPostgres: boolean, command: string, args: string[]): ChildProcess {
  const [cmd, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess): string[] {
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return output;
}

async function runToEnd(asPostgres: boolean, command: string, args: string[]): Promise<void> {
  const child = spawnAs(asPostgres, command, args);
  const output = collect(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`${command} exited with ${code}: ${output.join('').slice(-2000)}`);
}

async function launch(
  asPostgres: boolean,
  binary: string,
  dataDir: string,
  socketDir: string,
  port: number,
  timeoutMs: number,
): Promise<ChildProcess> {
  const child = spawnAs(asPostgres, binary, [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${socketDir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=50',
  ]);
  const output = collect(child);
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`postgres exited during start: ${output.join('').slice(-2000)}`);
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return child;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      const postmaster = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
      const pid = Number(postmaster.split('\n')[0]);
      if (pid > 0) signal(pid, 'SIGKILL');
      if (child.pid !== undefined) signal(child.pid, 'SIGKILL');
      throw new Error(
        `postgres did not accept connections within ${timeoutMs} ms: ${output.join('').slice(-2000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
