import { useEffect, useState, useSyncExternalStore } from 'react';
import { AuthSession } from './AuthSession';
import type { AuthState } from './AuthSession';

/** One AuthSession for the page, restored from the refresh cookie on mount. */
export function useAuth(): { session: AuthSession; state: AuthState } {
  const [session] = useState(() => new AuthSession());
  useEffect(() => {
    const code = signinCodeInLocation();
    void (code !== null ? session.signInWithCode(code) : session.restore());
  }, [session]);
  const state = useSyncExternalStore(
    (onChange) => session.on('change', onChange),
    () => session.state,
  );
  return { session, state };
}

/**
 * The code of a sign-in link (`/signin#<code>`), taken out of the address bar so that it is neither kept in
 * history nor shown again; null on any other page.
 */
function signinCodeInLocation(): string | null {
  if (window.location.pathname !== '/signin') return null;
  const code = window.location.hash.replace(/^#/, '');
  window.history.replaceState(null, '', '/');
  return code === '' ? null : code;
}
