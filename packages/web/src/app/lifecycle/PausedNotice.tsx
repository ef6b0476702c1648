import type { PauseNotice } from './usePauseRecovery';

/** Said after the page was frozen or suspended: the radio is back, but what was said meanwhile was not heard. */
export function PausedNotice({ notice, onDismiss }: { notice: PauseNotice; onDismiss: () => void }) {
  return (
    <div className="banner banner--info" role="status" data-banner="paused">
      <span>
        <strong>The app was paused for {notice.seconds} s.</strong> Audio from that time may have been missed.
      </span>
      <button type="button" className="button button--light" onClick={onDismiss}>
        OK
      </button>
    </div>
  );
}
