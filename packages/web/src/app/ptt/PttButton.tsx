import { useId } from 'react';
import type { PttMode } from '@squelch/client';
import type { TalkPhase } from '../radio/RadioState';
import { usePttGesture } from './usePttGesture';

export interface PttButtonProps {
  channelName: string;
  mode: PttMode;
  phase: TalkPhase;
  /** Someone else holds the channel (display name), or null. */
  busyWith: string | null;
  /** Why the button cannot be used right now, or null when it can. */
  disabledReason: string | null;
  /** A refusal just happened (busy tone): shake. Changes identity per refusal. */
  refusalId: number | null;
  size: 'large' | 'compact';
  onPress: () => void;
  onRelease: () => void;
}

type VisualState = 'disabled' | 'idle' | 'busy' | 'held' | 'requesting' | 'transmitting';

function visualState(props: PttButtonProps, held: boolean): VisualState {
  if (props.disabledReason !== null) return 'disabled';
  if (props.phase === 'transmitting') return 'transmitting';
  if (props.phase === 'requesting') return 'requesting';
  if (held) return 'held';
  if (props.busyWith !== null) return 'busy';
  return 'idle';
}

function labels(state: VisualState, props: PttButtonProps): { main: string; sub: string } {
  const toggle = props.mode === 'toggle';
  switch (state) {
    case 'disabled':
      return { main: 'Talk', sub: props.disabledReason ?? '' };
    case 'transmitting':
      return { main: 'On air', sub: toggle ? 'Tap to stop' : 'Release to stop' };
    case 'requesting':
      return { main: 'Wait…', sub: 'Asking for the channel' };
    case 'held':
      return { main: 'Busy', sub: props.busyWith !== null ? `${props.busyWith} is speaking` : 'Let go' };
    case 'busy':
      return { main: 'Busy', sub: `${props.busyWith ?? 'Someone'} is speaking` };
    case 'idle':
      if (props.size === 'compact') return { main: 'Talk', sub: toggle ? 'Tap on / off' : 'Hold' };
      return { main: toggle ? 'Tap to talk' : 'Hold to talk', sub: props.channelName };
  }
}

/**
 * The talk button: big, round and thumb-sized, styled like a radio's PTT key. Its look follows the press
 * immediately (pressed before the server answers), then the floor result: on air (red), busy (orange).
 */
export function PttButton(props: PttButtonProps) {
  const { mode, phase, disabledReason, size, channelName, refusalId } = props;
  const active = phase !== 'idle';
  const gesture = usePttGesture({
    mode,
    active,
    disabled: disabledReason !== null,
    onPress: props.onPress,
    onRelease: props.onRelease,
  });
  const state = visualState(props, gesture.held);
  const text = labels(state, props);
  const hintId = useId();
  const name =
    mode === 'hold' ? `Push to talk on ${channelName}` : `Talk on ${channelName} (tap to switch on and off)`;
  return (
    <button
      type="button"
      className={`ptt ptt--${size}`}
      data-state={state}
      data-mode={mode}
      aria-label={name}
      aria-pressed={active}
      aria-describedby={hintId}
      aria-disabled={disabledReason !== null}
      {...gesture.handlers}
    >
      {refusalId !== null && <span className="ptt__flash" key={refusalId} aria-hidden="true" />}
      <span className="ptt__main" aria-hidden="true">
        {text.main}
      </span>
      <span className="ptt__sub" id={hintId}>
        {text.sub}
      </span>
    </button>
  );
}
