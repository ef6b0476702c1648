import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import { RESERVED_CODES } from './consoleHotkeys';
import { keyLabel } from './TalkKeySettings';
import { CAPTURE_ATTRIBUTE } from './useConsoleHotkeys';

/**
 * A tile's talk key, shown on the tile: "Key F1" (or "Set key"). Clicking waits for the next key; Backspace or
 * Delete clears it, Escape cancels. The general talk key cannot be chosen (it talks on the talk channel).
 */
export function HotkeyPicker(props: {
  channelName: string;
  code: string | undefined;
  talkKey: string | null;
  onChange: (code: string | null) => void;
}) {
  const { channelName, code, talkKey, onChange } = props;
  const [capturing, setCapturing] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!capturing || event.code === '' || event.code === 'Tab') return;
    event.preventDefault();
    if (event.code === 'Escape') {
      setCapturing(false);
      return;
    }
    if (event.code === 'Backspace' || event.code === 'Delete') {
      setCapturing(false);
      onChange(null);
      return;
    }
    if (RESERVED_CODES.has(event.code) || event.code === talkKey) {
      setRefused(`${keyLabel(event.code)} is taken`);
      return;
    }
    if (['Shift', 'Control', 'Alt', 'Meta'].some((name) => event.code.startsWith(name))) return;
    setCapturing(false);
    setRefused(null);
    onChange(event.code);
  };
  const capture = capturing ? { [CAPTURE_ATTRIBUTE]: 'true' } : {};
  return (
    <button
      type="button"
      className="hotkey"
      data-hotkey={code ?? ''}
      aria-pressed={capturing}
      aria-label={
        capturing
          ? `Press the key that talks on ${channelName} (Delete clears, Escape cancels)`
          : code === undefined
            ? `Choose a key that talks on ${channelName}`
            : `Talk key of ${channelName}: ${keyLabel(code)}. Change`
      }
      title={refused ?? undefined}
      onClick={() => {
        setRefused(null);
        setCapturing(!capturing);
      }}
      onKeyDown={onKeyDown}
      onBlur={() => setCapturing(false)}
      {...capture}
    >
      {capturing ? (
        (refused ?? 'Press a key…')
      ) : code === undefined ? (
        'Set key'
      ) : (
        <>
          <span className="hotkey__word">Key </span>
          {keyLabel(code)}
        </>
      )}
    </button>
  );
}
