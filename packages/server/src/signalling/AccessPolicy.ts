/** Who a signalling session acts for, as established from its access token. */
export interface Identity {
  userId: string;
  displayName: string;
  role: 'admin' | 'dispatch' | 'general';
}

/** A change that takes rights away from a user; sessions must act on it at once. */
export type AccessRemoved =
  | { kind: 'channel'; userId: string; channelId: string; reason: string }
  | { kind: 'user'; userId: string; reason: string };

/**
 * What signalling needs from the control plane: verify a token, check channel rights against the current
 * assignments, and learn when rights are removed (or when removals may have been missed). Implemented by the control plane; signalling depends only on
 * this interface.
 */
export interface AccessPolicy {
  verifyToken(token: string): Promise<Identity | null>;
  canUseChannel(userId: string, channelId: string): Promise<boolean>;
  /** The channels each user may use now, in one look-up (every user given is in the map). */
  channelsOf(userIds: readonly string[]): Promise<Map<string, Set<string>>>;
  /** Subscribes to removals; returns the unsubscribe function. */
  onAccessRemoved(listener: (change: AccessRemoved) => void): () => void;
  /**
   * Subscribes to "removals may have been missed" (the bus was disconnected and is back); returns the
   * unsubscribe function.
   */
  onRemovalsMissed(listener: () => void): () => void;
}
