import { outputSelectable } from '@squelch/client';
import type { PttSettings } from '@squelch/client';
import { deviceName } from './devicePlan';
import type { DeviceEntry } from './devicePlan';
import type { AudioDevices } from './useAudioDevices';

const SYSTEM = '';

/** Real devices only: Chromium's extra "default" and "communications" entries are the system default. */
function choosable(devices: DeviceEntry[], kind: MediaDeviceKind): DeviceEntry[] {
  return devices.filter(
    (device) =>
      device.kind === kind &&
      device.deviceId !== '' &&
      device.deviceId !== 'default' &&
      device.deviceId !== 'communications',
  );
}

function DeviceSelect(props: {
  label: string;
  devices: DeviceEntry[];
  chosen: string | null;
  disabled?: boolean;
  onPick: (deviceId: string | null) => void;
}) {
  const { label, devices, chosen, disabled, onPick } = props;
  // A remembered device that is not connected now stays chosen (used again when it comes back).
  const missing = chosen !== null && !devices.some((device) => device.deviceId === chosen);
  return (
    <label className="settings__field">
      {label}
      <select
        value={chosen ?? SYSTEM}
        disabled={disabled}
        onChange={(event) => onPick(event.currentTarget.value === SYSTEM ? null : event.currentTarget.value)}
      >
        <option value={SYSTEM}>System default</option>
        {devices.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {deviceName(device, index)}
          </option>
        ))}
        {missing && <option value={chosen}>Not connected (system default meanwhile)</option>}
      </select>
    </label>
  );
}

/**
 * Settings → "Audio devices": the microphone and the speakers, each the system default (followed when a
 * headset connects or goes) or one chosen device, remembered per user on this device.
 */
export function DeviceSettings(props: {
  settings: PttSettings;
  devices: AudioDevices;
  onChange: (patch: Partial<PttSettings>) => void;
}) {
  const { settings, devices, onChange } = props;
  const inputs = choosable(devices.devices, 'audioinput');
  const outputs = choosable(devices.devices, 'audiooutput');
  const inUse = devices.devices.find(
    (device) =>
      device.kind === 'audioinput' &&
      device.deviceId === devices.microphoneInUse &&
      devices.microphoneInUse !== undefined,
  );
  const unnamed = devices.devices.length > 0 && devices.devices.every((device) => device.label === '');
  return (
    <fieldset className="settings__group" data-devices>
      <legend>Audio devices</legend>
      <DeviceSelect
        label="Microphone"
        devices={inputs}
        chosen={settings.microphoneId}
        onPick={(microphoneId) => onChange({ microphoneId })}
      />
      <DeviceSelect
        label="Speakers"
        devices={outputs}
        chosen={settings.speakerId}
        disabled={!outputSelectable()}
        onPick={(speakerId) => onChange({ speakerId })}
      />
      <p className="settings__hint" data-microphone-in-use={devices.microphoneInUse ?? ''}>
        {inUse === undefined
          ? 'The microphone opens on the first talk.'
          : `Microphone in use: ${deviceName(inUse, inputs.indexOf(inUse))}.`}
        {unnamed && ' Device names show once the microphone has been allowed.'}
        {!outputSelectable() && ' This browser plays on the system’s speakers only.'}
      </p>
    </fieldset>
  );
}
