import type { ChannelState } from '../radio/RadioState';

/** Who is speaking on a channel, in words and colour. */
export function FloorStatus({ channel, selfId }: { channel: ChannelState; selfId: string }) {
  let state: 'off' | 'idle' | 'speaking' | 'self' = 'idle';
  let text = 'Idle';
  if (!channel.joined) {
    state = 'off';
    text = channel.pending ? 'Joining…' : 'Not joined';
  } else if (channel.phase === 'transmitting') {
    state = 'self';
    text = 'You are transmitting';
  } else if (channel.floor.state === 'taken') {
    const holder = channel.floor.holder;
    state = holder.userId === selfId ? 'self' : 'speaking';
    text = holder.userId === selfId ? 'You are transmitting' : `${holder.displayName} is speaking`;
  }
  return (
    <span className="floor" data-state={state}>
      <span className="floor__icon" aria-hidden="true" />
      <span className="floor__text">{text}</span>
    </span>
  );
}
