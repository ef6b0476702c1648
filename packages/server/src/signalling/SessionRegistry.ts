import type { NotificationMap, NotificationName } from '@squelch/protocol';
import type { Session } from './Session';

/**
 * The sessions of this node, indexed by id, by user and by joined channel (for floor notifications and live
 * access removal). It does not own the sessions' lifetimes; the signalling server does.
 */
export class SessionRegistry {
  readonly #byId = new Map<string, Session>();
  readonly #byChannel = new Map<string, Set<Session>>();

  add(session: Session): void {
    this.#byId.set(session.id, session);
  }

  remove(session: Session): void {
    this.#byId.delete(session.id);
    for (const channelId of session.joined) this.leave(session, channelId);
  }

  get(sessionId: string): Session | undefined {
    return this.#byId.get(sessionId);
  }

  get size(): number {
    return this.#byId.size;
  }

  all(): IterableIterator<Session> {
    return this.#byId.values();
  }

  ofUser(userId: string): Session[] {
    return [...this.#byId.values()].filter((session) => session.identity.userId === userId);
  }

  join(session: Session, channelId: string): void {
    session.joined.add(channelId);
    let members = this.#byChannel.get(channelId);
    if (members === undefined) {
      members = new Set();
      this.#byChannel.set(channelId, members);
    }
    members.add(session);
  }

  leave(session: Session, channelId: string): void {
    session.joined.delete(channelId);
    const members = this.#byChannel.get(channelId);
    if (members === undefined) return;
    members.delete(session);
    if (members.size === 0) this.#byChannel.delete(channelId);
  }

  membersOf(channelId: string): ReadonlySet<Session> {
    return this.#byChannel.get(channelId) ?? new Set();
  }

  /** Sends a notification to every session on this node that joined the channel. */
  notifyChannel<N extends NotificationName>(
    channelId: string,
    notification: N,
    data: NotificationMap[N],
  ): void {
    for (const session of this.membersOf(channelId)) session.notify(notification, data);
  }
}
