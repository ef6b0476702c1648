import type { TalkPhase } from '../radio/RadioState';
import { LevelMeter } from './LevelMeter';

/** "Transmitting…" with the live microphone level, shown while this user is on the air. */
export function TransmitIndicator({ phase, level }: { phase: TalkPhase; level: () => number }) {
  const onAir = phase === 'transmitting';
  return (
    <div className="tx" data-active={onAir} data-phase={phase}>
      <span className="tx__dot" aria-hidden="true" />
      <span className="tx__text">
        {onAir ? 'Transmitting…' : phase === 'requesting' ? 'Requesting the channel…' : 'Not transmitting'}
      </span>
      <LevelMeter level={level} running={onAir} />
    </div>
  );
}
