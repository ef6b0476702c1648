import type { FloorRequestResult, FloorRevokeReason, ParsedRequest, ResultMap } from '@squelch/protocol';
import type { Session } from './Session';

/** The emergency requests of the protocol. */
export type EmergencyRequest = Extract<ParsedRequest, { method: `emergency.${string}` }>;
export type EmergencyMethod = EmergencyRequest['method'];

/**
 * What the emergency room (server `emergency/`) may do through signalling: find this node's sessions, give a
 * session the floor at emergency priority, and end that talk.
 */
export interface EmergencyHooks {
  /** This node's sessions (for notifying the users an emergency concerns). */
  sessions(): Iterable<Session>;
  /** Whether the user may use the channel now (channel rights in memory). */
  allows(userId: string, channelId: string): Promise<boolean>;
  /**
   * Gives the session the floor of the channel at emergency priority (pre-empting any talker but another
   * emergency), its talk gate opened and its transmission marked as an emergency.
   */
  talk(session: Session, channelId: string): Promise<FloorRequestResult>;
  /** Ends the session's talk on the channel if it still holds `grantId`, telling its client `reason`. */
  endTalk(session: Session, channelId: string, grantId: string, reason: FloorRevokeReason): Promise<void>;
}

/** The emergency room as signalling sees it: it answers the emergency requests and greets new sessions. */
export interface EmergencyDesk {
  handle(session: Session, request: EmergencyRequest): Promise<ResultMap[EmergencyMethod]>;
  /** A session authenticated (or resumed): it is sent the open emergencies its user is to see. */
  authenticated(session: Session): void;
}
