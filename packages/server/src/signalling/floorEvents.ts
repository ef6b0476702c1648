import type { Logger } from 'pino';
import type { FloorRevokedEvent } from '../floor/FloorService';
import type { FloorGrant, FloorIdleEvent } from '../floor/FloorStore';
import type { SignallingObserver } from '../observability/metrics';
import type { FloorControl } from './FloorControl';
import type { SessionRegistry } from './SessionRegistry';

/**
 * Turns floor events (from any node) into notifications to this node's channel members, and closes the talk
 * gate of a local holder whose grant ended without its asking (expiry, max duration, removal, another node).
 * Returns the function that unsubscribes.
 */
export function wireFloorEvents(
  floor: FloorControl,
  registry: SessionRegistry,
  observer: SignallingObserver,
  logger: Logger,
): () => void {
  /** Closes the gate of the local session holding `grantId`, if any; returns that session's id. */
  const stopLocalHolder = (channelId: string, grantId: string): string | undefined => {
    for (const session of registry.membersOf(channelId)) {
      if (session.grantOn(channelId)?.grantId !== grantId) continue;
      session.grants.delete(channelId);
      session.media.stopTalking(channelId).catch((error: unknown) => {
        logger.warn({ err: error, channelId }, 'could not close talk gate');
      });
      return session.id;
    }
    return undefined;
  };

  const onTaken = (grant: FloorGrant): void => {
    registry.notifyChannel(grant.channelId, 'floorTaken', {
      channelId: grant.channelId,
      holder: { userId: grant.holder.userId, displayName: grant.holder.displayName },
      grant: grant.fence,
    });
  };
  const onIdle = (event: FloorIdleEvent): void => {
    stopLocalHolder(event.channelId, event.grantId);
    registry.notifyChannel(event.channelId, 'floorIdle', { channelId: event.channelId });
  };
  const onRevoked = ({ grant, reason, by }: FloorRevokedEvent): void => {
    observer.floorRevoked(reason);
    // The idle event of the same grant may come first and close the gate; the holder is told either way.
    stopLocalHolder(grant.channelId, grant.grantId);
    registry
      .get(grant.holder.sessionId)
      ?.notify('floorRevoked', { channelId: grant.channelId, reason, ...(by !== undefined ? { by } : {}) });
  };

  floor.events.on('taken', onTaken);
  floor.events.on('idle', onIdle);
  floor.events.on('revoked', onRevoked);
  return () => {
    floor.events.off('taken', onTaken);
    floor.events.off('idle', onIdle);
    floor.events.off('revoked', onRevoked);
  };
}
