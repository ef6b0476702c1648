import { useEffect, useRef } from 'react';
import type { LayoutPreference, PttMode, PttSettings, ToneName } from '@squelch/client';
import { MAX_JITTER_BUFFER_TARGET_MS } from '@squelch/client';
import { DeviceSettings } from '../devices/DeviceSettings';
import type { AudioDevices } from '../devices/useAudioDevices';
import { TalkKeySettings } from '../keys/TalkKeySettings';
import { ScreenSettings } from '../lifecycle/ScreenSettings';
import { ChangePasswordForm } from './ChangePasswordForm';
import { Choice } from './Choice';

export interface SettingsDialogProps {
  open: boolean;
  settings: PttSettings;
  onChange: (settings: PttSettings) => void;
  onPreviewTone: (tone: ToneName) => void;
  onClose: () => void;
  /** Changes the signed-in person's own password (the dialog shows a form for it). */
  changePassword: (currentPassword: string, newPassword: string) => Promise<void>;
  /** The system's audio devices (Settings lists them to choose from). */
  devices?: AudioDevices;
}

/**
 * The user's preferences, applied as they are changed and remembered on this device for this user: talk
 * button mode, layout, microphone processing, tone volume, receive buffer.
 */
export function SettingsDialog({
  open,
  settings,
  onChange,
  onPreviewTone,
  onClose,
  changePassword,
  devices,
}: SettingsDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const set = (patch: Partial<PttSettings>) => onChange({ ...settings, ...patch });
  return (
    <dialog ref={ref} className="settings" aria-labelledby="settings-title" onClose={onClose}>
      <header className="settings__head">
        <h2 id="settings-title">Settings</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close settings">
          <span className="icon icon--close" aria-hidden="true" />
        </button>
      </header>

      <fieldset className="settings__group">
        <legend>Talk button</legend>
        <Choice<PttMode> name="mode" value="hold" current={settings.mode} onPick={(mode) => set({ mode })}>
          <strong>Hold to talk</strong> — press and hold; let go to stop
        </Choice>
        <Choice<PttMode> name="mode" value="toggle" current={settings.mode} onPick={(mode) => set({ mode })}>
          <strong>Tap to toggle</strong> — tap to start, tap again to stop
        </Choice>
      </fieldset>

      <TalkKeySettings settings={settings} onChange={set} />

      <ScreenSettings settings={settings} onChange={set} />

      {devices !== undefined && <DeviceSettings settings={settings} devices={devices} onChange={set} />}

      <fieldset className="settings__group">
        <legend>Layout</legend>
        <Choice<LayoutPreference>
          name="layout"
          value="auto"
          current={settings.layout}
          onPick={(layout) => set({ layout })}
        >
          Automatic (console for dispatch)
        </Choice>
        <Choice<LayoutPreference>
          name="layout"
          value="single"
          current={settings.layout}
          onPick={(layout) => set({ layout })}
        >
          One channel, big button
        </Choice>
        <Choice<LayoutPreference>
          name="layout"
          value="grid"
          current={settings.layout}
          onPick={(layout) => set({ layout })}
        >
          Console: all channels side by side
        </Choice>
      </fieldset>

      <fieldset className="settings__group">
        <legend>Microphone</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.echoCancellation}
            onChange={(event) => set({ echoCancellation: event.currentTarget.checked })}
          />
          Echo cancellation
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.noiseSuppression}
            onChange={(event) => set({ noiseSuppression: event.currentTarget.checked })}
          />
          Noise suppression
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.autoGainControl}
            onChange={(event) => set({ autoGainControl: event.currentTarget.checked })}
          />
          Automatic gain
        </label>
        <p className="settings__hint">Leave these on unless a headset does its own processing.</p>
      </fieldset>

      <fieldset className="settings__group">
        <legend>Sound</legend>
        <label className="slider">
          <span>Tone volume</span>
          <input
            type="range"
            min={0}
            max={100}
            step={5}
            value={Math.round(settings.toneVolume * 100)}
            onChange={(event) => set({ toneVolume: Number(event.currentTarget.value) / 100 })}
          />
          <output>{Math.round(settings.toneVolume * 100)} %</output>
        </label>
        <div className="settings__tones">
          <button
            type="button"
            className="button button--ghost"
            onClick={() => onPreviewTone('transmit-start')}
          >
            Start tone
          </button>
          <button
            type="button"
            className="button button--ghost"
            onClick={() => onPreviewTone('transmit-end')}
          >
            End tone
          </button>
          <button type="button" className="button button--ghost" onClick={() => onPreviewTone('busy')}>
            Busy tone
          </button>
        </div>
        <label className="slider">
          <span>Receive buffer</span>
          <input
            type="range"
            min={0}
            max={MAX_JITTER_BUFFER_TARGET_MS}
            step={10}
            value={settings.jitterBufferTargetMs}
            onChange={(event) => set({ jitterBufferTargetMs: Number(event.currentTarget.value) })}
          />
          <output>{settings.jitterBufferTargetMs} ms</output>
        </label>
        <p className="settings__hint">
          A small buffer keeps speech fast; raise it if received audio stutters on a poor network. Applies to
          channels joined from now on.
        </p>
      </fieldset>

      <fieldset className="settings__group">
        <legend>Network</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.alwaysRelay}
            onChange={(event) => set({ alwaysRelay: event.currentTarget.checked })}
          />
          Always relay
        </label>
        <p className="settings__hint">
          Sends and receives audio through the server&apos;s relay only. Turn it on if audio fails or breaks
          up on a hotel, venue or company network; it adds a little delay. Needs a relay set up on the server.
        </p>
      </fieldset>

      <ChangePasswordForm changePassword={changePassword} />

      <footer className="settings__foot">
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
      </footer>
    </dialog>
  );
}
