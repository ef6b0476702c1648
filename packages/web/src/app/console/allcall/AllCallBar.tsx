import type { PointerEvent } from 'react';
import type { ChannelState } from '../../radio/RadioState';
import type { AllCall } from './useAllCall';

/**
 * The all-call bar: how many channels are selected, a hold-to-talk button for all of them, and what the
 * last all-call got (busy channels are named with who is talking on them).
 */
export function AllCallBar(props: { allCall: AllCall; channels: ChannelState[]; disabled: string | null }) {
  const { allCall, channels, disabled } = props;
  const name = (id: string) => channels.find((channel) => channel.info.id === id)?.info.name ?? 'a channel';
  const count = allCall.selected.size;
  if (count === 0 && allCall.report === null) return null;
  const report = allCall.report;
  const start = (event: PointerEvent<HTMLButtonElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    void allCall.start();
  };
  const stop = () => {
    if (allCall.active) void allCall.stop();
  };
  return (
    <div className="all-call" role="group" aria-label="All-call" data-active={allCall.active}>
      <button
        type="button"
        className="all-call__talk"
        disabled={count === 0 || disabled !== null}
        title={disabled ?? undefined}
        onPointerDown={start}
        onPointerUp={stop}
        onPointerCancel={stop}
        onLostPointerCapture={stop}
        onKeyDown={(event) => {
          if ((event.key === ' ' || event.key === 'Enter') && !event.repeat) void allCall.start();
        }}
        onKeyUp={(event) => {
          if (event.key === ' ' || event.key === 'Enter') stop();
        }}
      >
        {allCall.active ? 'Talking on' : 'Hold to talk on'} {count} {count === 1 ? 'channel' : 'channels'}
      </button>
      <button
        type="button"
        className="button button--ghost"
        disabled={allCall.active}
        onClick={allCall.clear}
      >
        Clear selection
      </button>
      {report !== null && (
        <p className="all-call__report" role="status">
          {report.taken.length > 0 && <span>On air: {report.taken.map(name).join(', ')}. </span>}
          {report.busy.length > 0 && (
            <span data-busy="true">
              Busy, not taken:{' '}
              {report.busy.map((entry) => `${name(entry.channelId)} (${entry.holder})`).join(', ')}.{' '}
            </span>
          )}
          {report.failed.length > 0 && <span>Could not talk on: {report.failed.map(name).join(', ')}.</span>}
        </p>
      )}
    </div>
  );
}

/** A tile's checkbox that puts its channel in the all-call selection. */
export function AllCallPick(props: { allCall: AllCall; channelId: string; channelName: string }) {
  const { allCall, channelId, channelName } = props;
  return (
    <label className="all-call__pick">
      <input
        type="checkbox"
        aria-label={`All-call ${channelName}`}
        checked={allCall.selected.has(channelId)}
        disabled={allCall.active}
        onChange={(event) => allCall.toggle(channelId, event.currentTarget.checked)}
      />
      All-call
    </label>
  );
}
