import { useEffect, useMemo, useState } from 'react';
import { EmergencyCalls } from '@squelch/client';
import type { Emergency } from '@squelch/protocol';
import type { Radio } from '../radio/Radio';

export interface EmergencyView {
  calls: EmergencyCalls;
  /** Open emergencies (raised or acknowledged), oldest first. */
  open: Emergency[];
  /** This user's open microphone after raising: the channel and when it closes. */
  talking: { channelId: string; endsAt: number } | null;
}

/** The emergencies this user sees, kept current from the server, and the helper to raise and answer them. */
export function useEmergencies(radio: Radio): EmergencyView {
  const calls = useMemo(() => new EmergencyCalls(radio.client), [radio]);
  const [open, setOpen] = useState<Emergency[]>([]);
  const [talking, setTalking] = useState<EmergencyView['talking']>(null);
  useEffect(() => {
    const offChanged = calls.on('changed', () => setOpen(calls.open()));
    const offTalking = calls.on('talking', ({ channelId, endsAt }) => setTalking({ channelId, endsAt }));
    const offTransmit = radio.client.on('transmit', (event) => {
      if (event.state === 'ended') setTalking((now) => (now?.channelId === event.channelId ? null : now));
    });
    return () => {
      offChanged();
      offTalking();
      offTransmit();
      calls.close();
    };
  }, [calls, radio]);
  return { calls, open, talking };
}
