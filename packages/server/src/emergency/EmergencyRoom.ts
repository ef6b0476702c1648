import { ErrorCode, ProtocolError } from '@squelch/protocol';
import type {
  Emergency,
  EmergencyRaiseResult,
  FloorRequestResult,
  ResultMap,
  UserSummary,
} from '@squelch/protocol';
import type { Logger } from 'pino';
import type {
  EmergencyDesk,
  EmergencyHooks,
  EmergencyMethod,
  EmergencyRequest,
} from '../signalling/EmergencyDesk';
import type { Session } from '../signalling/Session';
import type { EmergencyBus, EmergencyNews } from './EmergencyBus';
import { OPEN_STATES } from './EmergencyStore';
import type { EmergencyStore } from './EmergencyStore';

export interface EmergencyRoomOptions {
  store: EmergencyStore;
  bus: EmergencyBus;
  hooks: EmergencyHooks;
  /** How long a raiser's microphone stays open on the channel without the button held. */
  talkMs: number;
  logger: Logger;
}

/** A raiser's open microphone on this node, ended by its timer or by the emergency ending. */
interface OpenTalk {
  session: Session;
  channelId: string;
  grantId: string;
  timer: NodeJS.Timeout;
}

function forbidden(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.Forbidden, message);
}

function alreadyText(emergency: Emergency): string {
  return `This emergency was already ${emergency.state} by ${emergency.endedBy?.displayName ?? emergency.acknowledgedBy?.displayName ?? 'someone'}.`;
}

/**
 * Emergencies: raised by any member of a channel, cancelled by its raiser, acknowledged and then cleared by a
 * dispatcher (or administrator) of the channel's event. Every rule is checked here, on the server.
 *
 * Raising records the emergency (database, with an audit entry), gives the raiser the floor at emergency
 * priority (pre-empting any talker but another emergency) for `talkMs`, and announces it on the bus, from
 * which every node tells its own sessions of the channel's members, the event's dispatchers and the
 * administrators (`emergencyChanged`). A session that authenticates (or resumes) is sent every open emergency
 * its user is to see.
 *
 * Owns the open-microphone timers of raisers on this node and its subscription to the bus; close() ends both
 * (the talks themselves end with their sessions). The store and the bus belong to the creator.
 */
export class EmergencyRoom implements EmergencyDesk {
  readonly #options: EmergencyRoomOptions;
  readonly #log: Logger;
  /** Open microphones on this node, by emergency id. */
  readonly #talks = new Map<string, OpenTalk>();
  readonly #stopNews: () => void;
  #closed = false;

  constructor(options: EmergencyRoomOptions) {
    this.#options = options;
    this.#log = options.logger.child({ module: 'emergency' });
    this.#stopNews = options.bus.onNews((news) => this.#deliver(news));
  }

  async handle(session: Session, request: EmergencyRequest): Promise<ResultMap[EmergencyMethod]> {
    if (this.#closed) throw new ProtocolError(ErrorCode.Unavailable, 'The server is shutting down.');
    switch (request.method) {
      case 'emergency.raise':
        return this.#raise(session, request.params.channelId);
      case 'emergency.cancel':
        return { emergency: await this.#cancel(session, request.params.emergencyId) };
      case 'emergency.acknowledge':
        return { emergency: await this.#acknowledge(session, request.params.emergencyId) };
      case 'emergency.clear':
        return { emergency: await this.#clear(session, request.params.emergencyId) };
    }
  }

  authenticated(session: Session): void {
    if (this.#closed) return;
    this.#options.store.openVisibleTo(session.identity.userId).then(
      (open) => {
        for (const emergency of open) session.notify('emergencyChanged', { emergency });
      },
      (error: unknown) =>
        session.logger.warn({ err: error }, 'open emergencies could not be read at sign-in'),
    );
  }

  /** Idempotent: stops the open-microphone timers and listening to the bus. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopNews();
    for (const talk of this.#talks.values()) clearTimeout(talk.timer);
    this.#talks.clear();
  }

  async #raise(session: Session, channelId: string): Promise<EmergencyRaiseResult> {
    const { userId, displayName } = session.identity;
    const { hooks, store, talkMs } = this.#options;
    if (!(await hooks.allows(userId, channelId))) {
      throw forbidden('You can raise an emergency only on a channel you are assigned to.');
    }
    const context = await store.contextOf(userId, channelId);
    if (context === undefined)
      throw forbidden('You can raise an emergency only on a channel you are assigned to.');
    const raiser: UserSummary = { userId, displayName };
    const { emergency, created } = await store.raise(context, channelId, raiser);
    const floor: FloorRequestResult = session.joined.has(channelId)
      ? await hooks.talk(session, channelId)
      : {
          granted: false,
          reason: 'not_joined',
          message: 'Join the channel to talk on it; the emergency is raised.',
        };
    if (floor.granted) this.#openTalk(emergency.emergencyId, session, channelId, floor.grantId);
    session.logger.warn(
      { emergencyId: emergency.emergencyId, channelId, created, talking: floor.granted },
      created ? 'emergency raised' : 'emergency raised again on a channel with one open',
    );
    if (created) await this.#announce(emergency);
    return { emergency, floor, talkMs };
  }

  async #cancel(session: Session, emergencyId: string): Promise<Emergency> {
    const found = await this.#find(emergencyId);
    if (found.raisedBy.userId !== session.identity.userId) {
      throw forbidden('Only the person who raised an emergency can cancel it; a dispatcher clears it.');
    }
    return this.#change(session, found, { to: 'cancelled', from: OPEN_STATES });
  }

  async #acknowledge(session: Session, emergencyId: string): Promise<Emergency> {
    const found = await this.#find(emergencyId);
    await this.#requireDispatch(session, found, 'acknowledge');
    if (found.state === 'acknowledged') return found;
    return this.#change(session, found, { to: 'acknowledged', from: ['raised'] });
  }

  async #clear(session: Session, emergencyId: string): Promise<Emergency> {
    const found = await this.#find(emergencyId);
    await this.#requireDispatch(session, found, 'clear');
    if (found.state === 'raised') {
      throw new ProtocolError(ErrorCode.InvalidState, 'Acknowledge the emergency before clearing it.');
    }
    return this.#change(session, found, { to: 'cleared', from: ['acknowledged'] });
  }

  async #find(emergencyId: string): Promise<Emergency> {
    const found = await this.#options.store.find(emergencyId);
    if (found === undefined) throw new ProtocolError(ErrorCode.NotFound, 'There is no such emergency.');
    return found;
  }

  async #requireDispatch(session: Session, emergency: Emergency, verb: string): Promise<void> {
    const context = await this.#options.store.contextOf(session.identity.userId, emergency.channelId);
    if (context?.dispatches !== true) {
      throw forbidden(`Only a dispatcher or administrator of this event can ${verb} an emergency.`);
    }
  }

  async #change(
    session: Session,
    found: Emergency,
    transition: Parameters<EmergencyStore['transition']>[1],
  ): Promise<Emergency> {
    const actor = { userId: session.identity.userId, displayName: session.identity.displayName };
    const changed = await this.#options.store.transition(found.emergencyId, transition, actor);
    if (changed === null) {
      const now = (await this.#options.store.find(found.emergencyId)) ?? found;
      throw new ProtocolError(ErrorCode.InvalidState, alreadyText(now));
    }
    session.logger.warn(
      { emergencyId: changed.emergencyId, state: changed.state },
      `emergency ${changed.state}`,
    );
    await this.#announce(changed);
    return changed;
  }

  /** Publishes a change to every node (this one included) with the users it concerns. */
  async #announce(emergency: Emergency): Promise<void> {
    let recipients: string[];
    try {
      recipients = await this.#options.store.recipientsOf(emergency.eventId, emergency.channelId);
    } catch (error) {
      // The change is recorded; sessions learn it when they next sign in.
      this.#log.error(
        { err: error, emergencyId: emergency.emergencyId },
        'emergency recipients could not be read',
      );
      recipients = [emergency.raisedBy.userId];
    }
    this.#options.bus.publish({ emergency, recipients });
  }

  /** A change from any node: tell this node's sessions of the users concerned; end a raiser's talk here. */
  #deliver({ emergency, recipients }: EmergencyNews): void {
    if (this.#closed) return;
    const users = new Set(recipients);
    for (const session of this.#options.hooks.sessions()) {
      if (users.has(session.identity.userId)) session.notify('emergencyChanged', { emergency });
    }
    if (!OPEN_STATES.includes(emergency.state)) this.#endTalk(emergency.emergencyId);
  }

  #openTalk(emergencyId: string, session: Session, channelId: string, grantId: string): void {
    this.#endTalk(emergencyId);
    const timer = setTimeout(() => this.#endTalk(emergencyId), this.#options.talkMs);
    this.#talks.set(emergencyId, { session, channelId, grantId, timer });
  }

  #endTalk(emergencyId: string): void {
    const talk = this.#talks.get(emergencyId);
    if (talk === undefined) return;
    clearTimeout(talk.timer);
    this.#talks.delete(emergencyId);
    this.#options.hooks
      .endTalk(talk.session, talk.channelId, talk.grantId, 'emergency_elapsed')
      .catch((error: unknown) =>
        talk.session.logger.warn({ err: error, emergencyId }, 'could not end an emergency talk'),
      );
  }
}
