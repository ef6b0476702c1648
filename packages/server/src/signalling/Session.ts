import type { TalkGrant } from '../media/TalkerTap';
import type { NotificationMap, NotificationName } from '@squelch/protocol';
import type { Logger } from 'pino';
import type { SessionMedia } from '../media/SessionMedia';
import type { Identity } from './AccessPolicy';
import type { Connection } from './Connection';

/**
 * One signed-in client on this node: its identity, its socket, its media, the channels it has joined and the
 * floor grants it holds.
 *
 * A session outlives a dropped socket for a short grace period (detached): its floors are released at once,
 * but its media and channels are kept so a client that reconnects with `resumeSessionId` carries on without
 * rebuilding its WebRTC transports. Its media can also be replaced after a media worker died.
 *
 * Ownership: the session owns its SessionMedia and its grace timer; close() closes both. Floor grants are
 * released by the session's owner (the signalling server) through the floor service, because that is
 * asynchronous.
 */
export class Session {
  readonly id: string;
  readonly identity: Identity;
  readonly logger: Logger;
  /** Channels joined (listening, and allowed to request the floor). */
  readonly joined = new Set<string>();
  /** Floor grants held, by channel id. */
  readonly grants = new Map<string, TalkGrant>();
  /** The talk priority on each joined channel, looked up at join (see floor/priority.ts). */
  readonly priorities = new Map<string, number>();
  #media: SessionMedia;
  #connection: Connection | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
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
    this.#media = options.media;
    this.#connection = options.connection;
    this.logger = options.logger;
  }

  get media(): SessionMedia {
    return this.#media;
  }

  /** The current socket; undefined while detached. */
  get connection(): Connection | undefined {
    return this.#connection;
  }

  get detached(): boolean {
    return this.#connection === undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  notify<N extends NotificationName>(notification: N, data: NotificationMap[N]): void {
    this.#connection?.notify(notification, data);
  }

  /** The floor grant held on a channel, if any. */
  grantOn(channelId: string): TalkGrant | undefined {
    return this.grants.get(channelId);
  }

  /** Socket lost: keep the session for `graceMs`, then call `expire`. */
  detach(graceMs: number, expire: () => void): void {
    if (this.#closed) return;
    this.#connection = undefined;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(expire, graceMs);
  }

  /** A reconnecting client took the session over on a new socket. */
  attach(connection: Connection): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#connection = connection;
  }

  /** Replaces the session's media (after its worker died); the old media is closed. */
  replaceMedia(media: SessionMedia): void {
    const old = this.#media;
    this.#media = media;
    old.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#graceTimer);
    this.joined.clear();
    this.grants.clear();
    this.priorities.clear();
    this.#media.close();
  }
}
