/**
 * WebSocket close codes used by the signalling socket (4000–4999 is the range reserved for applications).
 * The client's reconnect policy reads them: some mean "reconnect", some mean "do not".
 */
export const CloseCode = {
  /** Normal closure requested by the client. */
  Normal: 1000,
  /** The server is shutting down; reconnect (to another instance if there is one). */
  ServerShuttingDown: 4000,
  /** The server dropped the session (for example a media rebuild failed); reconnect. */
  Reset: 4001,
  /** Too many protocol violations from this client; do not reconnect automatically. */
  ProtocolViolation: 4002,
  /** The credentials were missing, invalid or expired. Refresh them, then reconnect. */
  Unauthenticated: 4401,
  /** The user is disabled or no longer allowed to connect; do not reconnect. */
  Forbidden: 4403,
  /** The client did not authenticate in time after connecting. */
  AuthTimeout: 4408,
  /** The same session was resumed on another socket; this socket is obsolete. Do not reconnect. */
  Replaced: 4409,
  /** The client did not answer pings; reconnect. */
  Unresponsive: 4410,
  /** The account has too many open sessions; do not reconnect automatically. */
  TooManySessions: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Whether a client should try to reconnect after the socket closed with this code. */
export function shouldReconnect(code: number): boolean {
  switch (code) {
    case CloseCode.Normal:
    case CloseCode.ProtocolViolation:
    case CloseCode.Forbidden:
    case CloseCode.Replaced:
    case CloseCode.TooManySessions:
      return false;
    default:
      return true;
  }
}
