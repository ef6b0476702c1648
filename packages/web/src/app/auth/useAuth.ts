import { useEffect, useState, useSyncExternalStore } from 'react';
import { AuthSession } from './AuthSession';
import type { AuthState } from './AuthSession';

/** One AuthSession for the page, restored from the refresh cookie on mount. */
export function useAuth(): { session: AuthSession; state: AuthState } {
  const [session] = useState(() => new AuthSession());
  useEffect(() => {
    void session.restore();
  }, [session]);
  const state = useSyncExternalStore(
    (onChange) => session.on('change', onChange),
    () => session.state,
  );
  return { session, state };
}
