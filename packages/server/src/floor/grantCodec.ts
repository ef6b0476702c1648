import type { FloorRevokeReason } from '@squelch/protocol';
import type { FloorGrant, FloorHolder, FloorIdleEvent, FloorIdleReason, FloorPreemptor } from './FloorStore';

/**
 * Text forms of grants and of the messages nodes exchange through the store. Everything read back from the
 * store is checked here once; a malformed value decodes to null instead of reaching the floor logic.
 */

export type FloorWireMessage = { type: 'taken'; grant: FloorGrant } | ({ type: 'idle' } & FloorIdleEvent);

const idleReasons: ReadonlySet<string> = new Set<FloorIdleReason>(['released', 'expired', 'lost']);
const revokeReasons: ReadonlySet<string> = new Set<FloorRevokeReason>([
  'expired',
  'max_duration',
  'removed_from_channel',
  'disconnected',
  'media_timeout',
  'preempted',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function toHolder(value: unknown): FloorHolder | null {
  if (!isRecord(value)) return null;
  const { userId, displayName, sessionId, nodeId, priority } = value;
  if (!isText(userId) || typeof displayName !== 'string' || !isText(sessionId) || !isText(nodeId))
    return null;
  const holder: FloorHolder = { userId, displayName, sessionId, nodeId };
  if (typeof priority === 'number' && Number.isFinite(priority)) holder.priority = priority;
  return holder;
}

function toPreemptor(value: unknown): FloorPreemptor | null {
  if (!isRecord(value)) return null;
  const { userId, displayName } = value;
  if (!isText(userId) || typeof displayName !== 'string') return null;
  return { userId, displayName };
}

export function toGrant(value: unknown): FloorGrant | null {
  if (!isRecord(value)) return null;
  const { grantId, channelId, grantedAt, expiresAt, fence } = value;
  const holder = toHolder(value.holder);
  if (!isText(grantId) || !isText(channelId) || holder === null) return null;
  if (typeof grantedAt !== 'number' || typeof expiresAt !== 'number') return null;
  if (typeof fence !== 'number' || !Number.isSafeInteger(fence) || fence < 1) return null;
  return { grantId, channelId, fence, holder, grantedAt, expiresAt };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function decodeGrant(text: string): FloorGrant | null {
  return toGrant(parseJson(text));
}

export function encodeMessage(message: FloorWireMessage): string {
  return JSON.stringify(message);
}

export function decodeMessage(text: string): FloorWireMessage | null {
  const value = parseJson(text);
  if (!isRecord(value)) return null;
  if (value.type === 'taken') {
    const grant = toGrant(value.grant);
    return grant === null ? null : { type: 'taken', grant };
  }
  if (value.type !== 'idle') return null;
  const { channelId, grantId, reason, revokeReason, preemptedBy } = value;
  if (!isText(channelId) || !isText(grantId) || typeof reason !== 'string' || !idleReasons.has(reason)) {
    return null;
  }
  const message: FloorWireMessage = { type: 'idle', channelId, grantId, reason: reason as FloorIdleReason };
  if (typeof revokeReason === 'string' && revokeReasons.has(revokeReason)) {
    message.revokeReason = revokeReason as FloorRevokeReason;
  }
  const preemptor = toPreemptor(preemptedBy);
  if (preemptor !== null) message.preemptedBy = preemptor;
  return message;
}
