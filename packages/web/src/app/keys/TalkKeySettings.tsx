import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { PttSettings } from '@squelch/client';

/** How a KeyboardEvent.code reads to a person: "Space", "T", "F8", "Numpad 0". */
export function keyLabel(code: string): string {
  if (code.startsWith('Key')) return code.slice(3);
  if (code.startsWith('Digit')) return code.slice(5);
  return code.replace(/([a-z])([A-Z0-9])/g, '$1 $2');
}

/** Keys that must keep their usual meaning (leaving the dialog, moving focus). */
const RESERVED = new Set(['Escape', 'Tab']);

/**
 * Settings for talking without touching the screen: the hold-to-talk key (press "Change", then the new key)
 * and the headset button as toggle-talk.
 */
export function TalkKeySettings({
  settings,
  onChange,
}: {
  settings: PttSettings;
  onChange: (patch: Partial<PttSettings>) => void;
}) {
  const [capturing, setCapturing] = useState(false);
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!capturing || RESERVED.has(event.code) || event.code === '') return;
    event.preventDefault();
    setCapturing(false);
    onChange({ talkKey: event.code });
  };
  return (
    <fieldset className="settings__group">
      <legend>Talk without touching the screen</legend>
      <div className="settings__row">
        <span>
          Talk key:{' '}
          <strong data-talk-key>{settings.talkKey === null ? 'none' : keyLabel(settings.talkKey)}</strong>
        </span>
        <button
          type="button"
          className="button button--ghost"
          aria-pressed={capturing}
          onClick={() => setCapturing(!capturing)}
          onKeyDown={onKeyDown}
          onBlur={() => setCapturing(false)}
        >
          {capturing ? 'Press the new key…' : 'Change key'}
        </button>
        <button
          type="button"
          className="button button--ghost"
          disabled={settings.talkKey === null}
          onClick={() => onChange({ talkKey: null })}
        >
          No key
        </button>
      </div>
      <p className="settings__hint">
        Hold the key to talk on the talk channel; it does nothing while typing.
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.headsetTalk}
          onChange={(event) => onChange({ headsetTalk: event.currentTarget.checked })}
        />
        Headset button talks (press once to talk, again to stop)
      </label>
    </fieldset>
  );
}
