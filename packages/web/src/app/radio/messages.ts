import type { TransmitEvent } from '@squelch/client';

type Refusal = Extract<TransmitEvent, { state: 'denied' }>['result'];
type Ended = Extract<TransmitEvent, { state: 'ended' }>;
type EndReason = Ended['reason'];

/** What to show when a press was refused. */
export function refusedText(result: Refusal): string {
  switch (result.reason) {
    case 'busy':
      return `${result.holder.displayName} is speaking. Try again when the channel is free.`;
    case 'not_member':
      return 'You are not assigned to this channel any more.';
    case 'not_joined':
      return 'Join the channel before talking on it.';
    case 'no_microphone':
      return 'The microphone is not ready. Enable it, then press again.';
    case 'unavailable':
      return result.message || 'The server could not take the press. Try again.';
  }
}

/** What to show when a transmission ended without the user letting go (null for a normal release). */
export function endedText(reason: EndReason, by?: Ended['by']): string | null {
  switch (reason) {
    case 'released':
      return null;
    case 'max_duration':
      return 'Transmission stopped: the maximum talk time was reached.';
    case 'expired':
      return 'Transmission stopped: the server lost contact with this device.';
    case 'removed_from_channel':
      return 'Transmission stopped: you were removed from the channel.';
    case 'disconnected':
      return 'Transmission stopped: the connection was lost.';
    case 'media_timeout':
      return 'Transmission stopped: no audio reached the server from this device.';
    case 'preempted':
      return `Transmission stopped: ${by?.displayName ?? 'someone with a higher priority'} cut in.`;
    case 'emergency_elapsed':
      return 'Emergency transmission ended: the open-microphone time is over.';
  }
}
