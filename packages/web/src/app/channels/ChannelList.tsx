import type { ChannelState } from '../radio/RadioState';
import { ChannelRow } from './ChannelRow';

export interface ChannelListProps {
  channels: ChannelState[];
  selfId: string;
  talkChannelId: string | null;
  onSelect: (channelId: string) => void;
  onJoin: (channelId: string, join: boolean) => void;
}

/** The user's channels; the selected one is where the big button talks. */
export function ChannelList({ channels, selfId, talkChannelId, onSelect, onJoin }: ChannelListProps) {
  return (
    <ul className="channel-list" aria-label="Your channels">
      {channels.map((channel) => (
        <ChannelRow
          key={channel.info.id}
          channel={channel}
          selfId={selfId}
          selected={channel.info.id === talkChannelId}
          onSelect={onSelect}
          onJoin={onJoin}
        />
      ))}
    </ul>
  );
}
