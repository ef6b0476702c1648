import type { ControlPlane } from '../controlplane/ControlPlane';
import type { AccessPolicy, AccessRemoved } from '../signalling/AccessPolicy';
import type { AccessBus } from './accessBus';

/**
 * Presents the control plane to signalling as an AccessPolicy. Removals made through this node's control
 * plane are published on the bus, which also delivers the removals made on other nodes.
 * Returns the policy and the function that stops forwarding.
 */
export function controlPlaneAccess(
  controlPlane: ControlPlane,
  bus: AccessBus,
): { policy: AccessPolicy; stop: () => void } {
  const onChannel = (event: { userId: string; channelId: string; reason: string }): void =>
    bus.publish({ kind: 'channel', userId: event.userId, channelId: event.channelId, reason: event.reason });
  const onUser = (event: { userId: string }): void =>
    bus.publish({ kind: 'user', userId: event.userId, reason: 'user_disabled' });
  controlPlane.events.on('channelAccessRemoved', onChannel);
  controlPlane.events.on('userDisabled', onUser);
  return {
    policy: {
      verifyToken: (token) => controlPlane.verifyAccessToken(token),
      canUseChannel: (userId, channelId) => controlPlane.canUseChannel(userId, channelId),
      channelsOf: (userIds) => controlPlane.channelsOf(userIds),
      onAccessRemoved: (listener: (change: AccessRemoved) => void) => bus.onRemoved(listener),
      onRemovalsMissed: (listener: () => void) => bus.onReconnected(listener),
    },
    stop: () => {
      controlPlane.events.off('channelAccessRemoved', onChannel);
      controlPlane.events.off('userDisabled', onUser);
    },
  };
}
