import type { ConnectionState, QualitySample } from '@squelch/client';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  failed: 'Could not reconnect',
  disconnected: 'Offline',
};

const QUALITY_TEXT = { good: 'Good', fair: 'Fair', poor: 'Poor', unknown: 'Unknown' } as const;

function detail(sample: QualitySample): string {
  const { rttMs, lossFraction, jitterMs } = sample.metrics;
  const parts: string[] = [];
  if (rttMs !== undefined) parts.push(`round trip ${Math.round(rttMs)} ms`);
  if (lossFraction !== undefined) parts.push(`loss ${(lossFraction * 100).toFixed(1)} %`);
  if (jitterMs !== undefined) parts.push(`jitter ${Math.round(jitterMs)} ms`);
  return parts.length > 0 ? parts.join(', ') : 'no measurement yet';
}

/** The always-visible connection state with the quality light (green / yellow / red). */
export function ConnectionStatus({
  connection,
  quality,
}: {
  connection: ConnectionState;
  quality: QualitySample;
}) {
  const light = connection === 'connected' ? quality.quality : 'unknown';
  const text =
    connection !== 'connected'
      ? CONNECTION_TEXT[connection]
      : light === 'unknown'
        ? 'Connected'
        : `${QUALITY_TEXT[light]} connection`;
  return (
    <div
      className="conn"
      data-connection={connection}
      data-quality={light}
      role="status"
      title={
        connection === 'connected' ? `Connection quality: ${detail(quality)}` : CONNECTION_TEXT[connection]
      }
    >
      <span className="conn__light" aria-hidden="true" />
      <span className="conn__text">{text}</span>
    </div>
  );
}
