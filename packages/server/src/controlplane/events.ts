/** Why a user lost access to a channel. */
export type AccessRemovedReason =
  | 'unassigned'
  | 'role_changed'
  | 'membership_removed'
  | 'admin_revoked'
  | 'user_disabled'
  | 'channel_deleted'
  | 'team_deleted'
  | 'event_deleted';

/**
 * What the control plane tells the signalling layer after a committed change. Listeners run synchronously
 * after the transaction; they should only schedule work.
 */
export type ControlPlaneEvents = {
  /** The user can no longer use the channel (it is gone, or they were removed from it). */
  channelAccessRemoved: [{ userId: string; channelId: string; reason: AccessRemovedReason }];
  /** The user was disabled: close their sessions. */
  userDisabled: [{ userId: string }];
};
