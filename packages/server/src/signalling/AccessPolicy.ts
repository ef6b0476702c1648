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
 * What signalling needs from the control plane: verify a token, check a channel right against the current
 * assignments, and learn when rights are removed. Implemented by the control plane; signalling depends only on
 * this interface.
 */
export interface AccessPolicy {
  verifyToken(token: string): Promise<Identity | null>;
  canUseChannel(userId: string, channelId: string): Promise<boolean>;
  /** Subscribes to removals; returns the unsubscribe function. */
  onAccessRemoved(listener: (change: AccessRemoved) => void): () => void;
}
