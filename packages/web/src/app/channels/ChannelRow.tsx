import type { ChannelState } from '../radio/RadioState';
import { FloorStatus } from './FloorStatus';
import { JoinSwitch } from './JoinSwitch';

export interface ChannelRowProps {
  channel: ChannelState;
  selfId: string;
  selected: boolean;
  onSelect: (channelId: string) => void;
  onJoin: (channelId: string, join: boolean) => void;
}

/** One channel in the single-channel view's list: pick it as the talk channel, join or leave it. */
export function ChannelRow({ channel, selfId, selected, onSelect, onJoin }: ChannelRowProps) {
  const { info } = channel;
  const holder = channel.joined && channel.floor.state === 'taken' ? channel.floor.holder : null;
  const self = channel.phase === 'transmitting' || holder?.userId === selfId;
  return (
    <li
      className="channel-row"
      data-selected={selected}
      data-speaking={holder !== null && !self}
      data-self={self}
      data-channel-id={info.id}
    >
      <button
        type="button"
        className="channel-row__select"
        aria-current={selected ? 'true' : undefined}
        aria-label={`Talk on ${info.name}`}
        onClick={() => onSelect(info.id)}
      >
        <span className="channel-row__name">{info.name}</span>
        <span className="channel-row__team">{info.teamName}</span>
        <FloorStatus channel={channel} selfId={selfId} />
        {channel.notice !== null && (
          <span className="channel-row__notice" data-kind={channel.notice.kind}>
            {channel.notice.text}
          </span>
        )}
      </button>
      <JoinSwitch
        channelName={info.name}
        joined={channel.joined}
        pending={channel.pending}
        onChange={(join) => onJoin(info.id, join)}
      />
    </li>
  );
}
