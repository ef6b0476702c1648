/** What GET /cluster/nodes answers (see the server's relay/nodesRoute.ts). */
interface ClusterNodes {
  self: string;
  nodes: { id: string; url: string }[];
}

function isClusterNodes(value: unknown): value is ClusterNodes {
  if (typeof value !== 'object' || value === null) return false;
  const nodes = (value as { nodes?: unknown }).nodes;
  return (
    Array.isArray(nodes) &&
    nodes.every(
      (node: unknown) =>
        typeof node === 'object' && node !== null && typeof (node as { url?: unknown }).url === 'string',
    )
  );
}

/** The signalling URL of a node's HTTPS origin. */
export function signallingUrl(origin: string): string {
  return `${origin.replace(/^http/, 'ws').replace(/\/+$/, '')}/ws`;
}

export interface LiveNodesOptions {
  /** The origin the app was loaded from (asked first). */
  origin: string;
  /** Called with the live nodes' origins whenever the list changes (and once at the first answer). */
  onChange: (origins: string[]) => void;
  /** How often the list is re-read. Default 30 s. */
  intervalMs?: number;
  fetch?: typeof fetch;
}

/**
 * The live server nodes, as the servers list them at /cluster/nodes, kept current so the app fails over to any
 * node that is alive — not only to the one it was loaded from. Asks its own origin first, then the other nodes
 * it knows (the route allows any origin), every `intervalMs` and whenever `refresh()` is called (the
 * connection was lost). Owns one timer; close() stops it.
 */
export class LiveNodes {
  readonly #options: LiveNodesOptions;
  readonly #fetch: typeof fetch;
  #origins: string[];
  #timer: ReturnType<typeof setInterval> | undefined;
  #reading: Promise<void> | undefined;
  /** The list last given to onChange (joined), so it is called only on a change. */
  #reported: string | undefined;
  #closed = false;

  constructor(options: LiveNodesOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#origins = [options.origin];
  }

  get origins(): readonly string[] {
    return this.#origins;
  }

  start(): void {
    if (this.#closed || this.#timer !== undefined) return;
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#options.intervalMs ?? 30_000);
  }

  /** Re-reads the list now (one read at a time). */
  refresh(): Promise<void> {
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #read(): Promise<void> {
    const candidates = [this.#options.origin, ...this.#origins.filter((o) => o !== this.#options.origin)];
    for (const origin of candidates) {
      if (this.#closed) return;
      try {
        const response = await this.#fetch(`${origin}/cluster/nodes`, {
          cache: 'no-store',
          signal: AbortSignal.timeout(3000),
        });
        if (!response.ok) continue;
        const body: unknown = await response.json();
        if (!isClusterNodes(body) || body.nodes.length === 0) continue;
        const origins = body.nodes.map((node) => node.url.replace(/\/+$/, ''));
        if (this.#closed) return;
        this.#origins = origins;
        if (origins.join() !== this.#reported) {
          this.#reported = origins.join();
          this.#options.onChange(origins);
        }
        return;
      } catch {
        // That node is unreachable: ask the next one.
      }
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
