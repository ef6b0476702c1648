import type { FloorRevokeReason } from '@squelch/protocol';
import type { FloorGrant, FloorHolder, FloorIdleEvent } from '../floor/FloorStore';
import type { TypedEmitter } from '../util/TypedEmitter';

export type FloorRequestOutcome =
  | { granted: true; grant: FloorGrant }
  | { granted: false; reason: 'busy'; current: FloorGrant }
  | { granted: false; reason: 'unavailable' };

export type FloorControlEvents = {
  taken: [FloorGrant];
  idle: [FloorIdleEvent];
  revoked: [{ grant: FloorGrant; reason: FloorRevokeReason }];
};

/** What signalling needs from the node's floor service (implemented by floor/FloorService). */
export interface FloorControl {
  readonly ttlMs: number;
  readonly maxDurationMs: number;
  request(channelId: string, holder: FloorHolder): Promise<FloorRequestOutcome>;
  heartbeat(channelId: string, grantId: string): Promise<FloorGrant | null>;
  release(channelId: string, grantId: string): Promise<boolean>;
  releaseSession(sessionId: string, reason: 'disconnected'): Promise<void>;
  revoke(channelId: string, userId: string, reason: FloorRevokeReason): Promise<void>;
  current(channelId: string): Promise<FloorGrant | null>;
  readonly events: TypedEmitter<FloorControlEvents>;
}
