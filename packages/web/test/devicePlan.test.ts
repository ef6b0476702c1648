import { describe, expect, it } from 'vitest';
import { planDevices } from '../src/app/devices/devicePlan';
import type { DeviceEntry } from '../src/app/devices/devicePlan';

const input = (deviceId: string, groupId: string): DeviceEntry => ({
  kind: 'audioinput',
  deviceId,
  groupId,
  label: deviceId,
});
const output = (deviceId: string): DeviceEntry => ({
  kind: 'audiooutput',
  deviceId,
  groupId: deviceId,
  label: '',
});
const none = { microphoneId: null, speakerId: null };

describe('following audio devices', () => {
  const chromium = [
    input('default', 'laptop'),
    input('laptop-mic', 'laptop'),
    input('headset-mic', 'headset'),
  ];

  it('re-opens a microphone that follows the default only when the default moved to another device', () => {
    const current = { deviceId: 'default', groupId: 'laptop', live: true };
    expect(planDevices(chromium, none, current).reopenMicrophone).toBe(false);
    const moved = [input('default', 'headset'), ...chromium.slice(1)];
    expect(planDevices(moved, none, current)).toEqual({
      microphoneId: undefined,
      reopenMicrophone: true,
      outputId: '',
    });
    // Browsers without a "default" entry list the default first.
    expect(
      planDevices([input('b', 'B'), input('a', 'A')], none, { ...current, deviceId: 'a' }).reopenMicrophone,
    ).toBe(true);
  });

  it('uses a chosen device while it is there and the default meanwhile; an ended track is re-opened', () => {
    const current = { deviceId: 'default', groupId: 'laptop', live: true };
    const choice = { microphoneId: 'headset-mic', speakerId: 'usb' };
    expect(planDevices([...chromium, output('usb')], choice, current)).toEqual({
      microphoneId: 'headset-mic',
      reopenMicrophone: true,
      outputId: 'usb',
    });
    expect(planDevices(chromium.slice(0, 2), choice, current)).toEqual({
      microphoneId: undefined,
      reopenMicrophone: false,
      outputId: '',
    });
    expect(planDevices(chromium, none, { ...current, live: false }).reopenMicrophone).toBe(true);
    // Nothing open yet, or no microphone at all: nothing to re-open.
    expect(planDevices(chromium, none, null).reopenMicrophone).toBe(false);
    expect(planDevices([], none, { ...current, live: false }).reopenMicrophone).toBe(false);
  });
});
