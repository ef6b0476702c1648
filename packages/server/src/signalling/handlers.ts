import { ErrorCode, ProtocolError } from '@squelch/protocol';
import type { FloorRequestResult, FloorState, ParsedRequest, RequestResult } from '@squelch/protocol';
import type { DtlsParameters, RtpCapabilities, RtpParameters } from 'mediasoup/types';
import type { FloorGrant } from '../floor/FloorStore';
import { DEFAULT_TALK_PRIORITIES, EMERGENCY_PRIORITY, priorityOfRole } from '../floor/priority';
import type { SignallingObserver } from '../observability/metrics';
import type { ChannelRights } from './ChannelRights';
import type { EmergencyDesk } from './EmergencyDesk';
import type { FloorControl } from './FloorControl';
import type { Session } from './Session';
import type { SessionRegistry } from './SessionRegistry';

export interface HandlerContext {
  nodeId: string;
  /** Channel rights of this node's users, in memory; a channel not known yet is looked up. */
  rights: ChannelRights;
  floor: FloorControl;
  registry: SessionRegistry;
  observer: SignallingObserver;
  /**
   * The user's talk priority on a channel (null: none known). Looked up at join; when it cannot be read, the
   * default for the session's role applies.
   */
  talkPriority: (userId: string, channelId: string) => Promise<number | null>;
  /** Takes a channel away from a session at once (floor revoked, audio stopped, client told). */
  removeAccess: (session: Session, channelId: string, reason: string) => Promise<void>;
  /** The emergency room (absent: emergencies are refused as unavailable). */
  emergency?: EmergencyDesk;
}

type AuthenticatedRequest = Exclude<ParsedRequest, { method: 'authenticate' }>;

export function floorStateOf(grant: FloorGrant | null): FloorState {
  return grant === null
    ? { state: 'idle' }
    : { state: 'taken', holder: { userId: grant.holder.userId, displayName: grant.holder.displayName } };
}

/**
 * Handles one validated request of an authenticated session. Returns the result sent to the client; a thrown
 * ProtocolError becomes a failed response with its code. The switch is exhaustive over the protocol's methods.
 *
 * The mediasoup-shaped params were checked for structure at the socket; mediasoup validates their contents
 * and its refusals are reported as bad_request by the caller.
 */
export async function handleRequest(
  ctx: HandlerContext,
  session: Session,
  request: AuthenticatedRequest,
): Promise<RequestResult<AuthenticatedRequest['method']>> {
  switch (request.method) {
    case 'setRtpCapabilities':
      session.media.setRtpCapabilities(request.params.rtpCapabilities as RtpCapabilities);
      return {};
    case 'createTransport':
      return session.media.createTransport(request.params.direction);
    case 'connectTransport':
      await session.media.connectTransport(
        request.params.transportId,
        request.params.dtlsParameters as DtlsParameters,
      );
      return {};
    case 'restartIce':
      return session.media.restartIce(request.params.transportId);
    case 'produce': {
      const producerId = await session.media.produce(
        request.params.transportId,
        request.params.rtpParameters as RtpParameters,
      );
      // After a media rebuild, floors still held open their gates again on the new producer.
      for (const [channelId, held] of session.grants) {
        if (session.joined.has(channelId)) await session.media.startTalking(channelId, held);
      }
      return { producerId };
    }
    case 'join':
      return join(ctx, session, request.params.channelId);
    case 'leave':
      await leave(ctx, session, request.params.channelId);
      return {};
    case 'floor.request': {
      const started = performance.now();
      const result = await requestFloor(ctx, session, request.params.channelId);
      ctx.observer.floorRequest(
        result.granted ? 'granted' : result.reason,
        (performance.now() - started) / 1000,
      );
      return result;
    }
    case 'floor.release':
      return { released: await releaseFloor(ctx, session, request.params.channelId) };
    case 'floor.heartbeat':
      return heartbeat(ctx, session, request.params.channelId);
    case 'emergency.raise':
    case 'emergency.cancel':
    case 'emergency.acknowledge':
    case 'emergency.clear':
      if (ctx.emergency === undefined) {
        throw new ProtocolError(ErrorCode.Unavailable, 'Emergencies are not available on this server.');
      }
      return ctx.emergency.handle(session, request);
    case 'report':
      ctx.observer.clientReport(request.params.kind);
      session.logger[request.params.kind === 'error' ? 'warn' : 'info'](
        { clientReport: request.params.kind, details: request.params.details },
        `client: ${request.params.message}`,
      );
      return {};
    case 'ping':
      return { serverTime: Date.now() };
  }
}

async function join(
  ctx: HandlerContext,
  session: Session,
  channelId: string,
): Promise<RequestResult<'join'>> {
  if (!(await ctx.rights.allows(session.identity.userId, channelId))) {
    throw new ProtocolError(ErrorCode.Forbidden, 'You are not assigned to this channel.');
  }
  session.priorities.set(channelId, await priorityAtJoin(ctx, session, channelId));
  const consumer = await session.media.listen(channelId);
  if (session.closed) throw new ProtocolError(ErrorCode.InvalidState, 'The session closed while joining.');
  ctx.registry.join(session, channelId);
  const heldGrant = session.grantOn(channelId);
  if (heldGrant !== undefined) await session.media.startTalking(channelId, heldGrant);
  let floor: FloorState = { state: 'idle' };
  try {
    floor = floorStateOf(await ctx.floor.current(channelId));
  } catch (error) {
    session.logger.warn({ err: error, channelId }, 'floor state unavailable at join');
  }
  session.logger.info({ channelId }, 'joined channel');
  return { channelId, consumer, floor };
}

/** A join does not wait longer than this for the talk priority (the database may be unreachable). */
const PRIORITY_LOOKUP_MS = 1000;

async function priorityAtJoin(ctx: HandlerContext, session: Session, channelId: string): Promise<number> {
  const fallback = priorityOfRole(session.identity.role, DEFAULT_TALK_PRIORITIES);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), PRIORITY_LOOKUP_MS);
  });
  try {
    return (await Promise.race([ctx.talkPriority(session.identity.userId, channelId), late])) ?? fallback;
  } catch (error) {
    session.logger.warn({ err: error, channelId }, 'talk priority unavailable at join; using the default');
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

/** Leaves a channel: releases its floor if held, stops listening. Also used for live access removal. */
export async function leave(ctx: HandlerContext, session: Session, channelId: string): Promise<void> {
  if (session.grantOn(channelId) !== undefined) await releaseFloor(ctx, session, channelId);
  ctx.registry.leave(session, channelId);
  session.priorities.delete(channelId);
  await session.media.unlisten(channelId);
  session.logger.info({ channelId }, 'left channel');
}

/**
 * Asks the floor for a session. An emergency talk asks at emergency priority (above every role) and marks its
 * transmission as an emergency; a grant the session already holds on the channel is given back first, so the
 * new one carries the emergency priority.
 */
export async function requestFloor(
  ctx: HandlerContext,
  session: Session,
  channelId: string,
  emergency = false,
): Promise<FloorRequestResult> {
  if (!session.joined.has(channelId)) {
    return { granted: false, reason: 'not_joined', message: 'Join the channel before talking on it.' };
  }
  if (!session.media.hasProducer) {
    return { granted: false, reason: 'no_microphone', message: 'The microphone is not connected yet.' };
  }
  if (!(await ctx.rights.allows(session.identity.userId, channelId))) {
    return { granted: false, reason: 'not_member', message: 'You are no longer assigned to this channel.' };
  }
  if (emergency && session.grantOn(channelId) !== undefined) await releaseFloor(ctx, session, channelId);
  const outcome = await ctx.floor.request(channelId, {
    userId: session.identity.userId,
    displayName: session.identity.displayName,
    sessionId: session.id,
    priority: emergency
      ? EMERGENCY_PRIORITY
      : (session.priorities.get(channelId) ?? priorityOfRole(session.identity.role, DEFAULT_TALK_PRIORITIES)),
  });
  if (!outcome.granted) {
    if (outcome.reason === 'busy') {
      const holder = {
        userId: outcome.current.holder.userId,
        displayName: outcome.current.holder.displayName,
      };
      return { granted: false, reason: 'busy', holder, message: `${holder.displayName} is speaking.` };
    }
    return { granted: false, reason: 'unavailable', message: 'Floor control is unavailable; try again.' };
  }
  const { grant } = outcome;
  if (session.closed || !session.joined.has(channelId)) {
    // The session went away while the lock was taken: give it back at once.
    await ctx.floor.release(channelId, grant.grantId);
    return { granted: false, reason: 'not_joined', message: 'The channel was left during the request.' };
  }
  const held = { grantId: grant.grantId, fence: grant.fence, ...(emergency ? { emergency } : {}) };
  session.grants.set(channelId, held);
  // The talk gate opens (and the fence is noted) before startTalking first waits; the answer does not wait for
  // the media worker to resume the producer and mute the talker's own listening: the client has been sending
  // since the press, and the worker applies those requests in order before anything forwarded after them.
  void session.media.startTalking(channelId, held).catch((error: unknown) => {
    session.logger.warn({ err: error, channelId, grantId: grant.grantId }, 'opening the talk gate failed');
  });
  session.logger.info({ channelId, grantId: grant.grantId }, 'floor granted');
  return {
    granted: true,
    grantId: grant.grantId,
    grant: grant.fence,
    expiresAt: grant.expiresAt,
    maxDurationMs: ctx.floor.maxDurationMs,
  };
}

/** Stops the talker's audio at once, then frees the lock. */
export async function releaseFloor(
  ctx: HandlerContext,
  session: Session,
  channelId: string,
): Promise<boolean> {
  const grantId = session.grantOn(channelId)?.grantId;
  if (grantId === undefined) return false;
  session.grants.delete(channelId);
  await session.media.stopTalking(channelId);
  const released = await ctx.floor.release(channelId, grantId);
  session.logger.info({ channelId, grantId, released }, 'floor released');
  return released;
}

async function heartbeat(
  ctx: HandlerContext,
  session: Session,
  channelId: string,
): Promise<{ expiresAt: number }> {
  const grantId = session.grantOn(channelId)?.grantId;
  if (grantId === undefined) {
    throw new ProtocolError(ErrorCode.InvalidState, 'You do not hold the floor of this channel.');
  }
  // From memory: removals arrive on the bus, and the periodic reconciliation catches a lost message.
  if (!(await ctx.rights.allows(session.identity.userId, channelId))) {
    await ctx.removeAccess(session, channelId, 'no longer assigned');
    throw new ProtocolError(ErrorCode.Forbidden, 'You are no longer assigned to this channel.');
  }
  const grant = await ctx.floor.heartbeat(channelId, grantId);
  if (grant === null) {
    throw new ProtocolError(ErrorCode.InvalidState, 'The floor was lost before this heartbeat.');
  }
  return { expiresAt: grant.expiresAt };
}
