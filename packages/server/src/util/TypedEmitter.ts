import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

/** Maps event names to the argument tuple their listeners receive. */
export type EventMap = Record<string, unknown[]>;

type Listener<Args extends unknown[]> = (...args: Args) => void;

/**
 * An event emitter whose `on` / `emit` are typed by an event map. A listener that throws is logged and does
 * not stop the other listeners or the emitter's caller: one faulty subscriber cannot break the media path.
 */
export class TypedEmitter<E extends EventMap> {
  readonly #emitter = new EventEmitter({ captureRejections: false });
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
    // Owners (sessions, channels) subscribe per object; the count is bounded by what they own.
    this.#emitter.setMaxListeners(0);
  }

  on<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    this.#emitter.on(event, listener as Listener<unknown[]>);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    this.#emitter.off(event, listener as Listener<unknown[]>);
    return this;
  }

  /** Calls every listener; returns whether there was any. Listener failures are logged, never thrown. */
  emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.#emitter.listeners(event) as Listener<E[K]>[];
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        this.#logger?.error({ err: error, event }, 'event listener failed');
      }
    }
    return listeners.length > 0;
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
