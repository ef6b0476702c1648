import type { FeedbackAction, FeedbackStatus } from './FeedbackGuard';

const EFFECT: Record<FeedbackAction, string> = {
  duck: 'The console plays 20 dB quieter while you talk.',
  mute: 'The console is silent while you talk.',
  off: 'Playback is not changed (feedback guard set to off).',
};

/** The guard's warning, and the setting that says what it does to playback while transmitting. */
export function FeedbackWarning(props: {
  status: FeedbackStatus;
  action: FeedbackAction;
  onAction: (action: FeedbackAction) => void;
  onDismiss: () => void;
}) {
  const { status, action, onAction, onDismiss } = props;
  return (
    <>
      <label className="console__feedback-setting">
        Feedback guard
        <select
          value={action}
          onChange={(event) => {
            const value = event.currentTarget.value;
            if (value === 'duck' || value === 'mute' || value === 'off') onAction(value);
          }}
        >
          <option value="duck">duck</option>
          <option value="mute">mute</option>
          <option value="off">off</option>
        </select>
      </label>
      {status.heard && (
        <div className="console__feedback" role="alert" data-feedback="heard">
          <strong>Your microphone hears your speakers — use headphones.</strong> {EFFECT[action]}
          <button type="button" className="button button--ghost" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}
