import type { ConnectionState } from '@squelch/client';

/** A full-width banner while the signalling connection is down: reconnecting, or given up with Retry. */
export function ConnectionBanner({
  connection,
  onRetry,
}: {
  connection: ConnectionState;
  onRetry: () => void;
}) {
  if (connection === 'reconnecting') {
    return (
      <div className="banner banner--warn" role="alert" data-banner="reconnecting">
        <span className="spinner" aria-hidden="true" />
        <span>
          <strong>Reconnecting…</strong> The connection to the server was lost. Talking is paused until it is
          back.
        </span>
      </div>
    );
  }
  if (connection === 'failed' || connection === 'disconnected') {
    return (
      <div className="banner banner--error" role="alert" data-banner="failed">
        <span>
          <strong>Could not reconnect.</strong> Check the network, then try again.
        </span>
        <button type="button" className="button button--light" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  return null;
}
