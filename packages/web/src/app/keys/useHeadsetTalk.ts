import { useEffect, useEffectEvent } from 'react';
import type { Radio } from '../radio/Radio';
import type { ChannelState } from '../radio/RadioState';

/** Media Session actions a headset or lock-screen button may send; each one toggles talk. */
const TALK_ACTIONS = ['play', 'pause', 'togglemicrophone'] as const;

/**
 * Toggle-talk from a headset button (Bluetooth or wired play/pause, and the microphone button where the
 * browser reports `togglemicrophone`) through the Media Session API: the first press switches talk on on the
 * talk channel, the next switches it off. Only while enabled in Settings; browsers without Media Session, or
 * without one of the actions, simply never call.
 */
export function useHeadsetTalk(radio: Radio, enabled: boolean, channel: ChannelState | undefined): void {
  const toggle = useEffectEvent(() => {
    if (channel === undefined) return;
    if (channel.phase !== 'idle') void radio.release(channel.info.id);
    else void radio.press(channel.info.id);
  });

  useEffect(() => {
    if (!enabled || !('mediaSession' in navigator)) return;
    const session = navigator.mediaSession;
    const installed: MediaSessionAction[] = [];
    for (const action of TALK_ACTIONS) {
      try {
        session.setActionHandler(action as MediaSessionAction, () => toggle());
        installed.push(action as MediaSessionAction);
      } catch {
        // This browser does not know the action.
      }
    }
    return () => {
      for (const action of installed) {
        try {
          session.setActionHandler(action, null);
        } catch {
          // Nothing to remove.
        }
      }
    };
  }, [enabled]);
}
