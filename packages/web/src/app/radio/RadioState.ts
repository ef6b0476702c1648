import type {
  ConnectionState,
  MicrophoneProblem,
  PttSettings,
  QualitySample,
  ToneName,
} from '@squelch/client';
import type { FloorState } from '@squelch/protocol';
import type { ChannelInfo } from '../channels/myChannels';

/** What this user's press is doing on a channel. */
export type TalkPhase = 'idle' | 'requesting' | 'transmitting';

/** A short-lived message on a channel (busy, refused, cut off). */
export interface ChannelNotice {
  kind: 'busy' | 'refused' | 'ended';
  text: string;
  id: number;
}

export interface ChannelState {
  info: ChannelInfo;
  joined: boolean;
  /** A join or leave is in flight. */
  pending: boolean;
  floor: FloorState;
  phase: TalkPhase;
  notice: ChannelNotice | null;
  volume: number;
}

export type MicrophoneStatus = 'off' | 'opening' | 'ready' | 'error';

export interface MicrophoneState {
  status: MicrophoneStatus;
  /** What the browser says up front ('unknown' when it cannot tell). */
  permission: PermissionState | 'unknown';
  problem: MicrophoneProblem | null;
  message: string | null;
}

export interface Announcement {
  id: number;
  text: string;
  /** Interrupts the screen reader (busy, errors); otherwise waits politely. */
  assertive: boolean;
}

export interface RadioSnapshot {
  connection: ConnectionState;
  quality: QualitySample;
  microphone: MicrophoneState;
  channels: ChannelState[];
  channelsLoaded: boolean;
  channelsError: string | null;
  settings: PttSettings;
  announcement: Announcement | null;
  /** The last feedback tone played, and how many of each (tests and diagnostics read these). */
  tones: { last: ToneName | null; counts: Record<ToneName, number> };
}

export const INITIAL_MICROPHONE: MicrophoneState = {
  status: 'off',
  permission: 'unknown',
  problem: null,
  message: null,
};
