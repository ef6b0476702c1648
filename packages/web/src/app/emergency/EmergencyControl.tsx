import { useEffect, useRef, useState } from 'react';
import type { EmergencyCalls } from '@squelch/client';

/** Holding the control this long starts the countdown. */
export const HOLD_MS = 1500;
/** Seconds of countdown during which the emergency can still be cancelled (nobody is alerted yet). */
export const COUNTDOWN_S = 3;

type Stage =
  | { kind: 'idle' }
  | { kind: 'holding'; since: number }
  | { kind: 'countdown'; left: number }
  | { kind: 'sending' };

/**
 * The Emergency control, apart from the talk button. A deliberate gesture: hold it for 1.5 s, then a
 * 3-second countdown that Cancel stops (a cancelled one alerts nobody: nothing is sent before the end).
 * Then the emergency is raised and the microphone opens on the channel for the server's configured time,
 * shown as a countdown; the raiser may cancel the emergency itself afterwards (a false alarm).
 */
export function EmergencyControl({
  calls,
  channelId,
  channelName,
  talking,
  ownOpen,
  prepareMicrophone,
}: {
  calls: EmergencyCalls;
  /** Opens the microphone (the server forwards only a session's producer): started with the countdown. */
  prepareMicrophone: () => Promise<unknown>;
  channelId: string;
  channelName: string;
  talking: { channelId: string; endsAt: number } | null;
  /** This user's open emergency on the channel, if any. */
  ownOpen: string | undefined;
}) {
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const holdTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (stage.kind !== 'countdown') return;
    const timer = setTimeout(() => {
      if (stage.left > 1) {
        setStage({ kind: 'countdown', left: stage.left - 1 });
        return;
      }
      setStage({ kind: 'sending' });
      prepareMicrophone()
        .catch(() => undefined)
        .then(() => calls.raise(channelId))
        .then(
          () => setStage({ kind: 'idle' }),
          (failure: unknown) => {
            setError(failure instanceof Error ? failure.message : String(failure));
            setStage({ kind: 'idle' });
          },
        );
    }, 1000);
    return () => clearTimeout(timer);
  }, [stage, calls, channelId, prepareMicrophone]);

  useEffect(() => {
    if (talking === null) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [talking]);

  useEffect(() => () => clearTimeout(holdTimer.current), []);

  const down = () => {
    if (stage.kind !== 'idle') return;
    setError(null);
    setStage({ kind: 'holding', since: Date.now() });
    holdTimer.current = setTimeout(() => {
      setStage({ kind: 'countdown', left: COUNTDOWN_S });
      void prepareMicrophone().catch(() => undefined);
    }, HOLD_MS);
  };
  const up = () => {
    clearTimeout(holdTimer.current);
    setStage((current) => (current.kind === 'holding' ? { kind: 'idle' } : current));
  };

  const micOpen = talking?.channelId === channelId;
  const secondsLeft = micOpen ? Math.max(0, Math.ceil((talking.endsAt - now) / 1000)) : 0;
  return (
    <section
      className="emergency"
      data-emergency-stage={micOpen ? 'talking' : stage.kind}
      aria-label="Emergency"
    >
      {stage.kind === 'countdown' ? (
        <>
          <span className="emergency__countdown" role="status">
            Emergency on {channelName} in <strong data-emergency-countdown={stage.left}>{stage.left}</strong>{' '}
            s
          </span>
          <button
            type="button"
            className="button emergency__cancel"
            onClick={() => setStage({ kind: 'idle' })}
          >
            Cancel
          </button>
        </>
      ) : (
        <button
          type="button"
          className="button emergency__button"
          data-holding={stage.kind === 'holding'}
          disabled={stage.kind === 'sending'}
          onPointerDown={down}
          onPointerUp={up}
          onPointerLeave={up}
          onPointerCancel={up}
          onKeyDown={(event) => {
            if ((event.key === 'Enter' || event.key === ' ') && !event.repeat) down();
          }}
          onKeyUp={up}
          onContextMenu={(event) => event.preventDefault()}
        >
          {stage.kind === 'holding' ? 'Keep holding…' : 'Emergency (hold)'}
        </button>
      )}
      {micOpen && (
        <span className="emergency__live" role="status" data-emergency-seconds={secondsLeft}>
          Microphone open on {channelName}: {secondsLeft} s
        </span>
      )}
      {ownOpen !== undefined && !micOpen && stage.kind === 'idle' && (
        <button
          type="button"
          className="button button--light"
          onClick={() =>
            void calls.cancel(ownOpen).catch((failure: unknown) => {
              setError(failure instanceof Error ? failure.message : String(failure));
            })
          }
        >
          Cancel my emergency
        </button>
      )}
      {error !== null && (
        <span className="emergency__error" role="alert">
          {error}
        </span>
      )}
    </section>
  );
}
