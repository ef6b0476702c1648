import type { NotificationMap, NotificationName } from '@squelch/protocol';
import type { Logger } from 'pino';
import type { SessionMedia } from '../media/SessionMedia';
import type { Identity } from './AccessPolicy';
import type { Connection } from './Connection';

/**
 * One signed-in client on this node: its identity, its socket, its media, the channels it has joined and the
 * floor grants it holds.
 *
 * Ownership: the session owns its SessionMedia; close() closes it. Floor grants are released by the owner of
 * the session (the SessionRegistry) through the floor service, because releasing is asynchronous.
 */
export class Session {
  readonly id: string;
  readonly identity: Identity;
  readonly media: SessionMedia;
  readonly logger: Logger;
  /** Channels joined (listening, and allowed to request the floor). */
  readonly joined = new Set<string>();
  /** Floor grants held, by channel id. */
  readonly grants = new Map<string, string>();
  #connection: Connection;
  #closed = false;

  constructor(options: {
    id: string;
    identity: Identity;
    media: SessionMedia;
    connection: Connection;
    logger: Logger;
  }) {
    this.id = options.id;
    this.identity = options.identity;
    this.media = options.media;
    this.#connection = options.connection;
    this.logger = options.logger;
  }

  get connection(): Connection {
    return this.#connection;
  }

  get closed(): boolean {
    return this.#closed;
  }

  notify<N extends NotificationName>(notification: N, data: NotificationMap[N]): void {
    this.#connection.notify(notification, data);
  }

  /** The floor grant held on a channel, if any. */
  grantOn(channelId: string): string | undefined {
    return this.grants.get(channelId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.joined.clear();
    this.grants.clear();
    this.media.close();
  }
}
