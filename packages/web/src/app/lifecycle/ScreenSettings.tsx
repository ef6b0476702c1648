import type { PttSettings } from '@squelch/client';
import { Choice } from '../settings/Choice';
import { WAKE_LOCK_SUPPORTED } from './useWakeLock';

/** Settings → "Screen": keep the screen on while listening (automatic: on phones), or why it cannot. */
export function ScreenSettings({
  settings,
  onChange,
}: {
  settings: PttSettings;
  onChange: (patch: Partial<PttSettings>) => void;
}) {
  return (
    <fieldset className="settings__group">
      <legend>Keep the screen on while listening</legend>
      {WAKE_LOCK_SUPPORTED ? (
        <>
          {(['auto', 'on', 'off'] as const).map((value) => (
            <Choice<PttSettings['keepScreenOn']>
              key={value}
              name="keepScreenOn"
              value={value}
              current={settings.keepScreenOn}
              onPick={(keepScreenOn) => onChange({ keepScreenOn })}
            >
              {value === 'auto' ? 'Automatic (on for phones)' : value === 'on' ? 'Always' : 'Never'}
            </Choice>
          ))}
        </>
      ) : (
        <p className="settings__hint" data-wake-lock="unsupported">
          Not supported by this browser: the screen may turn off and the phone may then stop playing the
          radio.
        </p>
      )}
    </fieldset>
  );
}
