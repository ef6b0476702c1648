/**
 * A benchmark's load process (bench/lib/capacityLoad.ts): commands go to it and events come back over Node's
 * IPC channel; next() waits for an event of a type, stop() ends the process (by its PID if it hangs).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LoadCommand, LoadEvent } from './capacityLoad';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** A load process and the events it sent that nobody has taken yet. */
export class LoadProcess {
  readonly #events: LoadEvent[] = [];
  readonly #waiters: (() => void)[] = [];
  #exited = false;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.on('message', (event: LoadEvent) => {
      this.#events.push(event);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    // A failed spawn or a closed IPC channel: the process counts as gone.
    child.on('error', (error) => {
      console.error(`${name}: ${error.message}`);
      this.#exited = true;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    child.on('exit', () => {
      this.#exited = true;
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Starts `script` (TypeScript, through tsx) with an IPC channel; on `cpus` (a taskset list) when given. */
  static start(name: string, script: string, cpus?: string): LoadProcess {
    const node = [process.execPath, '--import', 'tsx', script];
    // taskset execs node in place: the PID is the load process's own.
    const [command, ...args] = cpus === undefined ? node : ['taskset', '-c', cpus, ...node];
    const child = spawn(command!, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new LoadProcess(name, child);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  send(command: LoadCommand): void {
    if (this.#exited || !this.child.connected)
      throw new Error(`${this.name} exited (code ${this.child.exitCode})`);
    this.child.send(command);
  }

  async next<T extends LoadEvent['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<LoadEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#events.findIndex((event) => event.type === type);
      if (index >= 0) return this.#events.splice(index, 1)[0] as Extract<LoadEvent, { type: T }>;
      if (this.#exited) throw new Error(`${this.name} exited (code ${this.child.exitCode})`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`${this.name}: no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Asks the process to close everything; kills it (by PID) if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.#exited || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.send({ type: 'stop' });
    } catch {
      // the IPC channel is already gone
    }
    const timer = setTimeout(() => {
      if (this.pid > 0) process.kill(this.pid, 'SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(timer);
  }
}
