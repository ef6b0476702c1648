import { z } from 'zod';
import { DtlsParametersSchema, RtpCapabilitiesSchema, RtpParametersSchema } from './media';
import type { ConsumerOptions, IceServer, TransportOptions } from './media';
import type { ErrorBody } from './errors';

/** Identifiers are opaque strings chosen by the server (database ids, mediasoup ids). */
export const IdSchema = z.string().min(1).max(100);

export const TransportDirection = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof TransportDirection>;

/**
 * Every request the client may send, by method name, with the schema of its params. The socket validates each
 * message against this table once; handlers receive typed params and never see unchecked input.
 */
export const requestSchemas = {
  /** First message on every socket. `resumeSessionId` continues an earlier session after a reconnect. */
  authenticate: z.object({
    token: z.string().min(1).max(8192),
    resumeSessionId: IdSchema.optional(),
  }),
  /** The browser's receive capabilities (mediasoup-client `device.rtpCapabilities`). */
  setRtpCapabilities: z.object({ rtpCapabilities: RtpCapabilitiesSchema }),
  /** Creates this session's send or receive transport, replacing (and closing) an earlier one. */
  createTransport: z.object({ direction: TransportDirection }),
  connectTransport: z.object({ transportId: IdSchema, dtlsParameters: DtlsParametersSchema }),
  restartIce: z.object({ transportId: IdSchema }),
  /** Creates the session's single microphone producer. It starts paused; only a floor grant lets it be heard. */
  produce: z.object({
    transportId: IdSchema,
    kind: z.literal('audio'),
    rtpParameters: RtpParametersSchema,
  }),
  /** Listen to a channel (and become able to talk on it). */
  join: z.object({ channelId: IdSchema }),
  leave: z.object({ channelId: IdSchema }),
  'floor.request': z.object({ channelId: IdSchema }),
  'floor.release': z.object({ channelId: IdSchema }),
  /** Sent by the holder while transmitting; renews the floor lock. */
  'floor.heartbeat': z.object({ channelId: IdSchema }),
  /**
   * Raises an emergency on a channel the user is assigned to and joined: pre-empts any talker but another
   * emergency and opens the raiser's microphone on the channel for the configured time (no button held).
   */
  'emergency.raise': z.object({ channelId: IdSchema }),
  /** The raiser withdraws its own emergency (a false alarm); its open microphone closes. */
  'emergency.cancel': z.object({ emergencyId: IdSchema }),
  /** A dispatcher (or administrator) of the event has seen the emergency; the alert tone stops. */
  'emergency.acknowledge': z.object({ emergencyId: IdSchema }),
  /** A dispatcher (or administrator) of the event closes the emergency (after acknowledging it). */
  'emergency.clear': z.object({ emergencyId: IdSchema }),
  /** Client-side diagnostics (errors, getStats() summaries) for the server's logs. */
  report: z.object({
    kind: z.enum(['error', 'stats', 'state']),
    message: z.string().max(2000),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }),
  /** Application-level round trip check. */
  ping: z.object({}).optional(),
} as const;

export type Method = keyof typeof requestSchemas;
export const methods = Object.keys(requestSchemas) as Method[];
export type RequestParams<M extends Method> = z.infer<(typeof requestSchemas)[M]>;

export interface UserSummary {
  userId: string;
  displayName: string;
}

export type FloorState = { state: 'idle' } | { state: 'taken'; holder: UserSummary };

export type FloorRequestResult =
  | {
      granted: true;
      grantId: string;
      /** The grant's fencing number: larger than every earlier grant's on this channel. */
      grant: number;
      expiresAt: number;
      maxDurationMs: number;
    }
  | {
      granted: false;
      reason: 'busy';
      holder: UserSummary;
      message: string;
    }
  | {
      granted: false;
      reason: 'not_member' | 'not_joined' | 'no_microphone' | 'unavailable';
      message: string;
    };

export type FloorRevokeReason =
  | 'expired'
  | 'max_duration'
  | 'removed_from_channel'
  | 'disconnected'
  /** No audio from the holder for the media timeout (the talker vanished mid-sentence). */
  | 'media_timeout'
  /** Someone with a higher talk priority pressed on the channel and took it over (`by` names them). */
  | 'preempted'
  /** The open-microphone time of this session's emergency is over. */
  | 'emergency_elapsed';

/** An emergency's life: raised → acknowledged → cleared, or cancelled by its raiser before it is cleared. */
export type EmergencyState = 'raised' | 'acknowledged' | 'cleared' | 'cancelled';

export interface Emergency {
  emergencyId: string;
  eventId: string;
  channelId: string;
  channelName: string;
  state: EmergencyState;
  raisedBy: UserSummary;
  /** Milliseconds since the epoch (server clock). */
  raisedAt: number;
  acknowledgedBy?: UserSummary;
  acknowledgedAt?: number;
  /** Who cleared or cancelled it, and when. */
  endedBy?: UserSummary;
  endedAt?: number;
}

export interface EmergencyRaiseResult {
  emergency: Emergency;
  /** The raiser's open microphone: granted for `talkMs`, or why not (busy: another emergency is talking). */
  floor: FloorRequestResult;
  talkMs: number;
}

export interface AuthenticateResult {
  sessionId: string;
  resumed: boolean;
  user: UserSummary & { role: 'admin' | 'dispatch' | 'general' };
  routerRtpCapabilities: unknown;
  /** Floor timing the client should follow: heartbeat interval and the lock's TTL. */
  floor: { heartbeatIntervalMs: number; ttlMs: number; maxDurationMs: number };
}

export interface JoinResult {
  channelId: string;
  consumer: ConsumerOptions;
  floor: FloorState;
}

/** The result type of each method. */
export interface ResultMap {
  authenticate: AuthenticateResult;
  setRtpCapabilities: Record<string, never>;
  createTransport: TransportOptions;
  connectTransport: Record<string, never>;
  /** New ICE parameters and fresh TURN credentials (those of the transport's creation may have expired). */
  restartIce: { iceParameters: unknown; iceServers: IceServer[] };
  produce: { producerId: string };
  join: JoinResult;
  leave: Record<string, never>;
  'floor.request': FloorRequestResult;
  'floor.release': { released: boolean };
  'floor.heartbeat': { expiresAt: number };
  'emergency.raise': EmergencyRaiseResult;
  'emergency.cancel': { emergency: Emergency };
  'emergency.acknowledge': { emergency: Emergency };
  'emergency.clear': { emergency: Emergency };
  report: Record<string, never>;
  ping: { serverTime: number };
}
export type RequestResult<M extends Method> = ResultMap[M];

/** Notifications are past events, sent by the server without a request. */
export interface NotificationMap {
  /** Someone (possibly this user) holds the floor of a channel this session has joined. */
  floorTaken: { channelId: string; holder: UserSummary; grant: number };
  /** The channel is free again. */
  floorIdle: { channelId: string };
  /** This session lost the floor without asking for it; `by` is who pre-empted it (reason 'preempted'). */
  floorRevoked: { channelId: string; reason: FloorRevokeReason; by?: UserSummary };
  /** This user may no longer use the channel; its audio has stopped. */
  channelAccessRevoked: { channelId: string; reason: string };
  /** The server's media for this session was lost (for example a worker died); rebuild transports. */
  mediaReset: { reason: string };
  /**
   * An emergency was raised or changed state. Sent to every dispatcher and administrator of the event and to
   * every member of the channel, on every node; after authenticating, each open emergency the user should see
   * is sent once.
   */
  emergencyChanged: { emergency: Emergency };
  /** The server is going away; reconnect after the given delay. */
  serverShuttingDown: { reconnectAfterMs: number };
  /** The server-side transport changed state (ICE or DTLS). */
  transportStateChanged: { transportId: string; iceState?: string; dtlsState?: string };
}
export type NotificationName = keyof NotificationMap;

/* ---- envelopes ---- */

export const RequestEnvelopeSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelopeSchema>;

export type ResponseEnvelope =
  { id: number; ok: true; result: unknown } | { id: number | null; ok: false; error: ErrorBody };

export interface NotificationEnvelope<N extends NotificationName = NotificationName> {
  notification: N;
  data: NotificationMap[N];
}

export type ServerMessage = ResponseEnvelope | NotificationEnvelope;

/** Largest signalling message accepted, in bytes. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type { IceServer };
