import type { IncomingMessage } from 'node:http';

export interface UpgradeAdmissionOptions {
  /**
   * Origins (scheme://host[:port]) whose pages may open the signalling socket, besides the server's own origin
   * (the origin whose host is the request's Host header). Empty: only the server's own origin.
   */
  allowedOrigins: readonly string[];
  /** Open signalling sockets allowed from one client address. */
  maxSocketsPerAddress: number;
}

/** Why an upgrade was refused: the HTTP status written before the socket is destroyed, and a log line. */
export interface UpgradeRefusal {
  status: 403 | 404 | 429;
  reason: string;
}

/** Normalises an origin for comparison: lower-case scheme and host, default ports dropped. */
export function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Decides whether a WebSocket upgrade may proceed (path, Origin allow-list, sockets per client address) and
 * counts the open sockets per address. The counts belong to the signalling server that owns the sockets: it
 * calls `opened` when a socket is accepted and `closed` when it ends.
 */
export class UpgradeAdmission {
  readonly #allowed: Set<string>;
  readonly #maxPerAddress: number;
  readonly #perAddress = new Map<string, number>();

  constructor(options: UpgradeAdmissionOptions) {
    this.#allowed = new Set(
      options.allowedOrigins.map((origin) => normaliseOrigin(origin)).filter((o): o is string => o !== null),
    );
    this.#maxPerAddress = options.maxSocketsPerAddress;
  }

  /**
   * Null when the upgrade may proceed. Browsers always send Origin on a WebSocket upgrade; a request without
   * one comes from a non-browser client (which could forge any header anyway) and is let through to
   * authentication, which every socket must pass.
   */
  check(request: IncomingMessage, path: string, address: string): UpgradeRefusal | null {
    const url = new URL(request.url ?? '/', 'https://localhost');
    if (url.pathname !== path) return { status: 404, reason: `no WebSocket endpoint at ${url.pathname}` };
    const origin = request.headers.origin;
    if (origin !== undefined && !this.#originAllowed(origin, request.headers.host)) {
      return { status: 403, reason: `origin ${origin} is not allowed` };
    }
    if ((this.#perAddress.get(address) ?? 0) >= this.#maxPerAddress) {
      return { status: 429, reason: `more than ${this.#maxPerAddress} sockets from ${address}` };
    }
    return null;
  }

  opened(address: string): void {
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
  }

  closed(address: string): void {
    const count = (this.#perAddress.get(address) ?? 0) - 1;
    if (count > 0) this.#perAddress.set(address, count);
    else this.#perAddress.delete(address);
  }

  #originAllowed(origin: string, host: string | undefined): boolean {
    const normalised = normaliseOrigin(origin);
    if (normalised === null) return false;
    if (this.#allowed.has(normalised)) return true;
    if (host === undefined) return false;
    // The server's own origin: the page was loaded from the host the socket connects to.
    return normalised === normaliseOrigin(`https://${host}`);
  }
}
