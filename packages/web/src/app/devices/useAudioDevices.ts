import { useEffect, useEffectEvent, useState } from 'react';
import type { Radio } from '../radio/Radio';
import type { MicrophoneState } from '../radio/RadioState';
import { planDevices } from './devicePlan';
import type { CurrentMicrophone, DeviceEntry } from './devicePlan';

export interface AudioDevices {
  /** The system's devices as last listed (empty where the browser cannot list them). */
  devices: DeviceEntry[];
  /** The device of the microphone track in use, or undefined while it is not open. */
  microphoneInUse: string | undefined;
}

async function listDevices(): Promise<DeviceEntry[]> {
  if (navigator.mediaDevices?.enumerateDevices === undefined) return [];
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices
      .filter((device) => device.kind === 'audioinput' || device.kind === 'audiooutput')
      .map(({ kind, deviceId, groupId, label }) => ({ kind, deviceId, groupId, label }));
  } catch {
    return [];
  }
}

function currentMicrophone(track: MediaStreamTrack | undefined): CurrentMicrophone | null {
  if (track === undefined) return null;
  const settings = track.getSettings();
  return { deviceId: settings.deviceId, groupId: settings.groupId, live: track.readyState === 'live' };
}

/**
 * Follows the system's audio devices for the signed-in radio: lists them (again on every `devicechange`, e.g.
 * a Bluetooth headset connecting), re-opens the microphone when its device went away or the system default
 * moved to another one (the new track replaces the old one in the producer, so a transmission goes on), and
 * routes playback to the chosen speakers or, when they are gone, to the system default.
 */
export function useAudioDevices(
  radio: Radio,
  choice: { microphoneId: string | null; speakerId: string | null },
  microphone: MicrophoneState,
): AudioDevices {
  const [devices, setDevices] = useState<DeviceEntry[]>([]);
  const [generation, setGeneration] = useState(0);
  const apply = useEffectEvent((listed: DeviceEntry[]) => {
    const plan = planDevices(listed, choice, currentMicrophone(radio.microphoneTrack));
    return radio.applyDevices(plan);
  });

  useEffect(() => {
    const media = navigator.mediaDevices;
    if (media === undefined) return;
    const onChange = () => setGeneration((count) => count + 1);
    media.addEventListener('devicechange', onChange);
    return () => media.removeEventListener('devicechange', onChange);
  }, []);

  // Every device change, a new choice in Settings, and the microphone opening (labels become readable):
  // list again and re-plan.
  useEffect(() => {
    let stale = false;
    void listDevices().then((listed) => {
      if (stale) return;
      setDevices(listed);
      return apply(listed);
    });
    return () => {
      stale = true;
    };
  }, [generation, choice.microphoneId, choice.speakerId, microphone.status]);

  const track = radio.microphoneTrack;
  return {
    devices,
    microphoneInUse: track?.readyState === 'live' ? track.getSettings().deviceId : undefined,
  };
}
