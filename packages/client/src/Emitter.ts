/** Maps event names to their listener argument tuples. */
export type Events = Record<string, unknown[]>;

/** Listeners are stored untyped; `on` and `emit` keep the pairing of names and argument types. */
type AnyListener = (...args: never[]) => void;

/**
 * A small typed event emitter for the browser. A listener that throws is reported to `onListenerError` and
 * does not stop the others (one faulty UI handler must not break the audio path).
 */
export class Emitter<E extends Events> {
  readonly #listeners = new Map<keyof E, Set<AnyListener>>();
  onListenerError: (error: unknown) => void = () => undefined;

  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as unknown as AnyListener);
    return () => this.off(event, listener);
  }

  off<K extends keyof E>(event: K, listener: (...args: E[K]) => void): void {
    this.#listeners.get(event)?.delete(listener as unknown as AnyListener);
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as (...a: E[K]) => void)(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
