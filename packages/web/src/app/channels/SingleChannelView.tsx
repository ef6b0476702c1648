import { RecentTransmissions } from '../history/RecentTransmissions';
import type { Radio } from '../radio/Radio';
import type { RadioSnapshot } from '../radio/RadioState';
import { ChannelList } from './ChannelList';
import { TalkDock } from './TalkDock';

/** Which channel the big button talks on: the chosen one, else the first joined, else the first. */
export function talkChannelOf(snapshot: RadioSnapshot) {
  const channels = snapshot.channels;
  return (
    channels.find((channel) => channel.info.id === snapshot.settings.talkChannelId) ??
    channels.find((channel) => channel.joined) ??
    channels[0]
  );
}

/** The general user's screen: their channels, and one big talk button for the selected channel. */
export function SingleChannelView({ radio, snapshot }: { radio: Radio; snapshot: RadioSnapshot }) {
  const talk = talkChannelOf(snapshot);
  const onJoin = (channelId: string, join: boolean) =>
    void (join ? radio.join(channelId) : radio.leave(channelId));
  const onSelect = (channelId: string) => {
    radio.setTalkChannel(channelId);
    void radio.join(channelId);
  };
  return (
    <div className="single">
      <section className="single__channels" aria-labelledby="channels-heading">
        <h2 id="channels-heading" className="section-title">
          Channels
        </h2>
        {snapshot.channels.length === 0 ? (
          <p className="empty">
            {snapshot.channelsLoaded ? 'You are not assigned to any channel yet.' : 'Loading your channels…'}
          </p>
        ) : (
          <ChannelList
            channels={snapshot.channels}
            selfId={radio.user.id}
            talkChannelId={talk?.info.id ?? null}
            onSelect={onSelect}
            onJoin={onJoin}
          />
        )}
        {talk !== undefined && (
          <RecentTransmissions
            channelId={talk.info.id}
            present={talk.joined && snapshot.connection === 'connected'}
            live={talk.floor.state === 'taken' || talk.phase === 'transmitting'}
          />
        )}
      </section>
      <TalkDock radio={radio} snapshot={snapshot} channel={talk} mode={snapshot.settings.mode} />
    </div>
  );
}
