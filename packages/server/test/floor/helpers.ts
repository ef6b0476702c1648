import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { EventMap, TypedEmitter } from '../../src/util/TypedEmitter';
import type { FloorHolder } from '../../src/floor/FloorStore';

export const silentLogger = pino({ level: 'silent' });

/** A key prefix no other test uses, so tests can share one redis-server. */
export function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

export function holder(n: number, nodeId = 'node-a'): FloorHolder {
  return { userId: `user-${n}`, displayName: `User ${n}`, sessionId: `session-${n}`, nodeId };
}

/** Resolves with the arguments of the next `event` that passes `filter`; rejects after `timeoutMs`. */
export function nextEvent<E extends EventMap, K extends keyof E & string>(
  emitter: TypedEmitter<E>,
  event: K,
  filter: (...args: E[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: E[K]): void => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}

/** Collects every `event` until `stop()` is called. */
export function record<E extends EventMap, K extends keyof E & string>(
  emitter: TypedEmitter<E>,
  event: K,
): { events: E[K][]; stop(): void } {
  const events: E[K][] = [];
  const listener = (...args: E[K]): void => {
    events.push(args);
  };
  emitter.on(event, listener);
  return { events, stop: () => emitter.off(event, listener) };
}

/** Polls `check` until it holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Counts of active handles of the kinds a floor store may own. */
export function activeHandles(): { timers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return {
    timers: info.filter((kind) => kind === 'Timeout').length,
    sockets: info.filter((kind) => kind === 'TCPSocketWrap' || kind === 'TCPWrap').length,
  };
}

/** Waits until no more timers and sockets are active than in `baseline` (the store left nothing behind). */
export async function expectNoLeftovers(baseline: { timers: number; sockets: number }): Promise<void> {
  await waitFor(
    () => {
      const now = activeHandles();
      return now.timers <= baseline.timers && now.sockets <= baseline.sockets;
    },
    `handles to return to ${JSON.stringify(baseline)} (now ${JSON.stringify(activeHandles())})`,
    5000,
  );
}
