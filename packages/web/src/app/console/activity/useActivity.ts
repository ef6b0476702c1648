import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Radio } from '../../radio/Radio';
import { ActivityLog } from './ActivityLog';

/** The console's activity log, fed from the radio for as long as the console is open. */
export function useActivity(radio: Radio): ActivityLog {
  const [log] = useState(() => new ActivityLog({ id: radio.user.id, displayName: radio.user.displayName }));
  useEffect(() => {
    log.update(radio.getSnapshot());
    return radio.subscribe(() => log.update(radio.getSnapshot()));
  }, [radio, log]);
  useSyncExternalStore(
    (onChange) => log.on('change', onChange),
    () => log.entries,
  );
  return log;
}
