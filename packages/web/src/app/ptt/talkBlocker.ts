import type { ConnectionState } from '@squelch/client';
import type { ChannelState, MicrophoneState } from '../radio/RadioState';

/** Why the talk button of a channel cannot be used now (shown on the button), or null when it can. */
export function talkBlocker(
  connection: ConnectionState,
  microphone: MicrophoneState,
  channel: ChannelState | undefined,
): string | null {
  if (channel === undefined) return 'No channel selected';
  if (connection === 'reconnecting' || connection === 'connecting') return 'Connecting…';
  if (connection !== 'connected') return 'Offline';
  if (!channel.joined) return channel.pending ? 'Joining…' : 'Not joined';
  if (microphone.status === 'error') return 'No microphone';
  return null;
}
