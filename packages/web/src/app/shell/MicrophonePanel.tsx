import type { MicrophoneState } from '../radio/RadioState';

const HELP: Record<string, string> = {
  denied:
    'Open the site settings (the icon left of the address), set Microphone to Allow, then press Try again.',
  not_found: 'Plug in a headset or microphone, or pick one in the system sound settings.',
  busy: 'Close other programs that use the microphone (calls, recorders), then press Try again.',
  insecure: 'Open Squelch through its https:// address.',
  unknown: '',
};

/**
 * The microphone's state when it is not ready: how to enable it, or what went wrong and how to fix it, with
 * a button to try again (the button is the user gesture the browser needs).
 */
export function MicrophonePanel({
  microphone,
  onEnable,
}: {
  microphone: MicrophoneState;
  onEnable: () => void;
}) {
  if (microphone.status === 'ready') return null;
  if (microphone.status === 'error') {
    const help = HELP[microphone.problem ?? 'unknown'] ?? '';
    return (
      <div
        className="banner banner--error mic-panel"
        role="alert"
        data-problem={microphone.problem ?? 'unknown'}
      >
        <span>
          <strong>{microphone.message ?? 'The microphone could not be opened.'}</strong>
          {help !== '' && <span className="banner__help"> {help}</span>}
        </span>
        <button type="button" className="button button--light" onClick={onEnable}>
          Try again
        </button>
      </div>
    );
  }
  const opening = microphone.status === 'opening';
  return (
    <div className="banner banner--info mic-panel" data-problem="none">
      <span>
        {opening ? (
          <strong>Waiting for the microphone…</strong>
        ) : (
          <>
            <strong>Microphone off.</strong> Listening works; enable it to talk (pressing Talk does too).
          </>
        )}
        {opening && microphone.permission === 'prompt' && (
          <span className="banner__help"> Allow the microphone when the browser asks.</span>
        )}
      </span>
      <button type="button" className="button button--light" onClick={onEnable} disabled={opening}>
        Enable microphone
      </button>
    </div>
  );
}
