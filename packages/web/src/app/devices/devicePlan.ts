/** The parts of a MediaDeviceInfo the plan needs (a plain object, so it can be tested without a browser). */
export interface DeviceEntry {
  kind: MediaDeviceKind;
  deviceId: string;
  groupId: string;
  label: string;
}

/** The microphone track in use now: its device, and whether it still runs. */
export interface CurrentMicrophone {
  deviceId: string | undefined;
  groupId: string | undefined;
  live: boolean;
}

/** What the radio should use, worked out from the devices there are and the person's choice. */
export interface DevicePlan {
  /** The microphone to open; undefined follows the system default. */
  microphoneId: string | undefined;
  /** Re-open the microphone now (its device went away, or the default changed, or another was chosen). */
  reopenMicrophone: boolean;
  /** Where received audio and tones play; '' is the system default. */
  outputId: string;
}

/** Chromium lists the system default as an extra entry with this id, sharing its groupId with the device. */
const DEFAULT_ID = 'default';

/**
 * A chosen device that is no longer there falls back to the system default (the choice is kept, and used again
 * when the device comes back). Following the default, the microphone is re-opened when the default input is
 * now another device than the one the open track uses: Chromium names it by the groupId of its "default" entry,
 * other browsers list the default input first.
 */
export function planDevices(
  devices: readonly DeviceEntry[],
  choice: { microphoneId: string | null; speakerId: string | null },
  current: CurrentMicrophone | null,
): DevicePlan {
  const inputs = devices.filter((device) => device.kind === 'audioinput');
  const outputs = devices.filter((device) => device.kind === 'audiooutput');
  const microphoneId =
    choice.microphoneId !== null && inputs.some((device) => device.deviceId === choice.microphoneId)
      ? choice.microphoneId
      : undefined;
  const outputId =
    choice.speakerId !== null && outputs.some((device) => device.deviceId === choice.speakerId)
      ? choice.speakerId
      : '';
  let reopenMicrophone = false;
  if (current !== null && inputs.length > 0) {
    if (!current.live) reopenMicrophone = true;
    else if (microphoneId !== undefined) reopenMicrophone = current.deviceId !== microphoneId;
    else {
      const systemDefault = inputs.find((device) => device.deviceId === DEFAULT_ID) ?? inputs[0]!;
      if (systemDefault.deviceId !== DEFAULT_ID)
        reopenMicrophone = current.deviceId !== systemDefault.deviceId;
      else if (systemDefault.groupId !== '' && current.groupId !== undefined)
        reopenMicrophone = current.groupId !== systemDefault.groupId;
    }
  }
  return { microphoneId, reopenMicrophone, outputId };
}

/** A person-readable name; browsers hide labels until the microphone was allowed once. */
export function deviceName(device: DeviceEntry, index: number): string {
  if (device.label !== '') return device.label;
  return `${device.kind === 'audioinput' ? 'Microphone' : 'Speakers'} ${index + 1}`;
}
