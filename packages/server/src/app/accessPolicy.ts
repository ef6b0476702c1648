import type { ControlPlane } from '../controlplane/ControlPlane';
import type { AccessPolicy, AccessRemoved } from '../signalling/AccessPolicy';

/** Presents the control plane to signalling as an AccessPolicy. */
export function controlPlaneAccess(controlPlane: ControlPlane): AccessPolicy {
  return {
    verifyToken: (token) => controlPlane.verifyAccessToken(token),
    canUseChannel: (userId, channelId) => controlPlane.canUseChannel(userId, channelId),
    onAccessRemoved(listener: (change: AccessRemoved) => void): () => void {
      const onChannel = (event: { userId: string; channelId: string; reason: string }): void =>
        listener({ kind: 'channel', userId: event.userId, channelId: event.channelId, reason: event.reason });
      const onUser = (event: { userId: string }): void =>
        listener({ kind: 'user', userId: event.userId, reason: 'user_disabled' });
      controlPlane.events.on('channelAccessRemoved', onChannel);
      controlPlane.events.on('userDisabled', onUser);
      return () => {
        controlPlane.events.off('channelAccessRemoved', onChannel);
        controlPlane.events.off('userDisabled', onUser);
      };
    },
  };
}
