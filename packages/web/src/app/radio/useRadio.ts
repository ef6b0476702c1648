import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AuthSession, SessionUser } from '../auth/AuthSession';
import { LiveNodes, signallingUrl } from '../cluster/LiveNodes';
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
    // The live nodes, kept current: when this server goes away, the radio reconnects to another one.
    const nodes = new LiveNodes({
      origin: window.location.origin,
      onChange: (origins) => radio.setServers(origins.map(signallingUrl)),
    });
    nodes.start();
    const stopWatching = radio.subscribe(() => {
      if (radio.getSnapshot().connection === 'reconnecting') void nodes.refresh();
    });
    return () => {
      stopWatching();
      nodes.close();
      radio.close();
    };
  }, [radio]);
  const snapshot = useSyncExternalStore(radio.subscribe, radio.getSnapshot);
  return { radio, snapshot };
}
