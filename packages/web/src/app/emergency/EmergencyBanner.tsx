import { useEffect, useRef, useState } from 'react';
import type { Emergency } from '@squelch/protocol';
import type { EmergencyCalls } from '@squelch/client';
import { EmergencyAlarm } from './EmergencyAlarm';

function timeOf(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * A red banner per open emergency: who raised it, on which channel, when. A dispatcher (or administrator)
 * hears the alert tone until every emergency is acknowledged, gets the channel's tile brought into view, and
 * answers with Acknowledge, then Clear. Members of the channel see the banner without the buttons.
 */
export function EmergencyBanners({
  open,
  calls,
  dispatches,
}: {
  open: Emergency[];
  calls: EmergencyCalls;
  dispatches: boolean;
}) {
  const alarm = useRef<EmergencyAlarm | null>(null);
  const [error, setError] = useState<string | null>(null);
  const unacknowledged = open.filter((emergency) => emergency.state === 'raised');
  const newest = unacknowledged.at(-1)?.channelId;

  useEffect(() => {
    alarm.current = new EmergencyAlarm();
    return () => alarm.current?.close();
  }, []);
  useEffect(() => {
    if (dispatches && unacknowledged.length > 0) alarm.current?.start();
    else alarm.current?.stop();
  }, [dispatches, unacknowledged.length]);
  useEffect(() => {
    if (!dispatches || newest === undefined) return;
    const tile = document.querySelector(`[data-channel-id="${CSS.escape(newest)}"]`);
    tile?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [dispatches, newest]);

  if (open.length === 0) return null;
  const act = (action: Promise<unknown>) => {
    setError(null);
    action.catch((failure: unknown) =>
      setError(failure instanceof Error ? failure.message : String(failure)),
    );
  };
  return (
    <>
      {open.map((emergency) => (
        <div
          key={emergency.emergencyId}
          className="banner banner--emergency"
          role="alert"
          data-emergency-id={emergency.emergencyId}
          data-emergency-state={emergency.state}
          data-emergency-channel={emergency.channelId}
        >
          <span>
            <strong>Emergency</strong> on <strong>{emergency.channelName}</strong>:{' '}
            {emergency.raisedBy.displayName} at {timeOf(emergency.raisedAt)}
            {emergency.acknowledgedBy !== undefined && (
              <> — acknowledged by {emergency.acknowledgedBy.displayName}</>
            )}
          </span>
          {dispatches && emergency.state === 'raised' && (
            <button
              type="button"
              className="button button--light"
              onClick={() => act(calls.acknowledge(emergency.emergencyId))}
            >
              Acknowledge
            </button>
          )}
          {dispatches && emergency.state === 'acknowledged' && (
            <button
              type="button"
              className="button button--light"
              onClick={() => act(calls.clear(emergency.emergencyId))}
            >
              Clear
            </button>
          )}
        </div>
      ))}
      {error !== null && (
        <div className="banner banner--error" role="alert">
          <span>{error}</span>
        </div>
      )}
    </>
  );
}
