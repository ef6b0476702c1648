import type { FloorRevokeReason } from '@squelch/protocol';
import type { FloorGrant, FloorRequestOutcome, FloorRequester, FloorServiceEvents } from '../floor';
import type { TypedEmitter } from '../util/TypedEmitter';

/** What signalling needs from the node's floor service (implemented by floor/FloorService). */
export interface FloorControl {
  readonly ttlMs: number;
  readonly maxDurationMs: number;
  request(channelId: string, requester: FloorRequester): Promise<FloorRequestOutcome>;
  heartbeat(channelId: string, grantId: string): Promise<FloorGrant | null>;
  release(channelId: string, grantId: string): Promise<boolean>;
  releaseSession(sessionId: string, reason?: FloorRevokeReason): Promise<void>;
  revoke(channelId: string, userId: string, reason: FloorRevokeReason): Promise<void>;
  current(channelId: string): Promise<FloorGrant | null>;
  readonly events: TypedEmitter<FloorServiceEvents>;
}
