import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AuthSession, SessionUser } from '../auth/AuthSession';
import { Radio } from './Radio';
import type { RadioSnapshot } from './RadioState';

/**
 * The Radio of the signed-in user: created once per user, started on mount, closed on unmount (sign-out),
 * so nothing of a previous user's session (transports, microphone) survives.
 */
export function useRadio(session: AuthSession, user: SessionUser): { radio: Radio; snapshot: RadioSnapshot } {
  const [radio] = useState(
    () =>
      new Radio({
        user,
        getToken: () => session.getToken(),
        api: session.api,
        storage: window.localStorage,
        url: `wss://${window.location.host}/ws`,
      }),
  );
  useEffect(() => {
    void radio.start();
    return () => radio.close();
  }, [radio]);
  const snapshot = useSyncExternalStore(radio.subscribe, radio.getSnapshot);
  return { radio, snapshot };
}
